package io.roda.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import io.roda.core.OpType;
import io.roda.common.BackOff;
import io.roda.common.StageStats;
import io.roda.common.ProgressIndex;
import io.roda.core.Result;
import io.roda.core.TxJournalDescriptor;
import io.roda.sequencer.SubmissionRing;
import io.roda.core.LedgerState;
import io.roda.storage.Storage;
import io.roda.transactor.ResultLog;

/**
 * An embedded double-entry ledger. {@link #open(LedgerConfig)} recovers the directory (newest valid
 * snapshot + WAL replay) and starts the pipeline; submit methods return the transaction id at once;
 * {@link #await} waits until a transaction is computed, committed (on disk) or snapshotted.
 *
 * <p>Thread safety: every method may be called from any number of threads. Account ids and amounts are
 * never rejected by an exception: a bad one is a recorded {@link Result} of its transaction, as the
 * ledger's semantics require. Exceptions are for misuse (null, negative timeout, unknown id), a
 * closed ledger ({@link LedgerClosedException}) or a failed one ({@link LedgerFailedException}).
 */
public final class Ledger implements AutoCloseable
{
    private static final Result[] RESULTS = Result.values();

    private final LedgerConfig config;
    private final RecoveryReport recovery;
    private final LedgerPipeline pipeline;
    private final javax.management.ObjectName mbean;
    private final SubmissionRing submissions;
    private final io.roda.common.Waker sequencer;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FeedWiring feedReader;            // opened on the first history query
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    /** OPEN, then CLOSING while close() drains the pipeline, then CLOSED once the stages have stopped. */
    private volatile int state = OPEN;

    private Ledger(final LedgerConfig requested, final FileChannel lockChannel, final FileLock lock) throws IOException
    {
        this.lockChannel = lockChannel;
        this.lock = lock;
        Recovery.deleteTemporaryFiles(requested.storage(), Recovery.snapshotDirectory(requested.directory()));
        final ResultLog results = new ResultLog(requested.resultRetention());
        final Recovery.Recovered recovered = Recovery.recoverLocked(requested.storage(), requested.directory(),
            new Recovery.Settings(
            requested.maxAccountsSpecified() ? requested.maxAccounts() : Recovery.USE_STORED,
            requested.maxHoldsSpecified() ? requested.maxHolds() : Recovery.USE_STORED,
            requested.idempotencyWindowSpecified() ? requested.idempotencyWindow() : Recovery.USE_STORED), results, null);
        this.recovery = recovered.report();
        // settings that change replay results come from DIR/LEDGER when the caller left them at their default
        final LedgerState.Limits limits = recovered.state().limits();
        this.config = requested.withStored(limits.maxAccounts(), limits.maxHolds(), limits.idempotencyWindow());
        this.pipeline = new LedgerPipeline(config, recovered, results);
        this.submissions = pipeline.submissions;
        this.sequencer = pipeline.sequencerWaker;
        pipeline.start();
        this.mbean = LedgerJmx.register(config.directory(), pipeline);
        System.getLogger(Ledger.class.getName()).log(System.Logger.Level.INFO, "ledger " + config.directory()
            + " recovered to tx " + recovery.lastTxId() + "; idle " + config.idleStrategy() + "; stages "
            + pipeline.placement());
    }

    /**
     * Opens (creating or recovering) the ledger in {@code directory} with default settings.
     *
     * @throws RecoveryException when the directory's data does not verify.
     * @throws LedgerException   when the directory cannot be used (in use, not writable).
     */
    public static Ledger open(final Path directory)
    {
        return open(LedgerConfig.builder(Objects.requireNonNull(directory, "directory")).build());
    }

    /**
     * Opens (creating or recovering) the ledger described by {@code config}.
     *
     * @throws RecoveryException when the directory's data does not verify.
     * @throws LedgerException   when the directory cannot be used (in use by another ledger, not writable).
     */
    public static Ledger open(final LedgerConfig config)
    {
        Objects.requireNonNull(config, "config");
        final Path dir = config.directory();
        final Storage storage = config.storage();
        FileChannel channel = null;
        FileLock lock = null;
        try
        {
            createDurably(storage, Recovery.walDirectory(dir));
            createDurably(storage, Recovery.snapshotDirectory(dir));
            synchronized (DirectoryLock.class) // with DirectoryLock: check, open, lock and register as one step
            {
                DirectoryLock.checkNotHeldHere(storage, dir); // a second channel on a LOCK this JVM holds releases it
                channel = storage.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                try
                {
                    lock = channel.tryLock(); // exclusive; readers take it shared (DirectoryLock)
                }
                catch (final OverlappingFileLockException e)
                {
                    lock = null;
                }
                if (lock == null)
                {
                    throw new DirectoryInUseException(dir + " is in use by another open ledger or a tool reading it", null);
                }
                DirectoryLock.register(storage, dir, lock);
            }
            if (!storage.exists(LedgerFile.path(dir)) && !Recovery.holdsData(storage, dir))
            {
                // a new ledger: remember its settings first
                LedgerFile.create(storage, dir, config.maxAccounts(), config.maxHolds(), config.idempotencyWindow());
            }
            return new Ledger(config, channel, lock);
        }
        catch (final io.roda.wal.WalSegmentLockedException e)
        {
            DirectoryLock.release(lock, channel);
            throw new DirectoryInUseException(dir + " is in use: " + e.getMessage(), e);
        }
        catch (final IOException e)
        {
            DirectoryLock.release(lock, channel);
            throw new LedgerException("cannot open ledger in " + dir + ": " + e, e);
        }
        catch (final RuntimeException e)
        {
            DirectoryLock.release(lock, channel);
            throw e;
        }
    }

    /**
     * Creates {@code directory} and any missing parents, forcing the parent of each one created: a directory entry
     * is durable only once its parent is forced, and a ledger directory whose own entry a power cut takes would
     * take every committed transaction with it.
     */
    static void createDurably(final Storage storage, final Path directory) throws IOException
    {
        final List<Path> missing = new java.util.ArrayList<>();
        for (Path p = directory.toAbsolutePath(); p != null && !storage.isDirectory(p); p = p.getParent())
        {
            missing.add(p);
        }
        if (missing.isEmpty())
        {
            return;
        }
        storage.createDirectories(directory);
        for (int i = missing.size() - 1; i >= 0; i--)
        {
            final Path parent = missing.get(i).getParent();
            if (parent != null)
            {
                storage.forceDirectory(parent);
            }
        }
    }

    /** Submits opening {@code account}. @return its transaction id. */
    public long openAccount(final long account)
    {
        return submit(OpType.OPEN_CODE, account, 0, 0);
    }

    /**
     * Submits opening {@code account} with an overdraft: its balance may go down to {@code -overdraft}.
     *
     * @return its transaction id.
     * @throws IllegalArgumentException when the overdraft is negative.
     */
    public long openAccount(final long account, final long overdraft)
    {
        if (overdraft < 0)
        {
            throw new IllegalArgumentException("overdraft must be in 0..2^63-1, was " + overdraft);
        }
        return submit(OpType.OPEN_CODE, account, 0, overdraft);
    }

    /** Submits a deposit. @return its transaction id. */
    public long deposit(final long account, final long amount)
    {
        return submit(OpType.DEPOSIT_CODE, account, 0, amount);
    }

    /** Submits a deposit with the idempotency key {@code (keyHi, keyLo)}, not 0. @return its transaction id. */
    public long deposit(final long account, final long amount, final long keyHi, final long keyLo)
    {
        return submitKeyed(OpType.DEPOSIT_CODE, account, 0, amount, 0, keyHi, keyLo);
    }

    /** Submits a deposit with a UUID idempotency key. @return its transaction id. */
    public long deposit(final long account, final long amount, final UUID key)
    {
        return deposit(account, amount, key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /** Submits a withdrawal. @return its transaction id. */
    public long withdraw(final long account, final long amount)
    {
        return submit(OpType.WITHDRAW_CODE, account, 0, amount);
    }

    /** Submits a withdrawal with the idempotency key {@code (keyHi, keyLo)}, not 0. @return its transaction id. */
    public long withdraw(final long account, final long amount, final long keyHi, final long keyLo)
    {
        return submitKeyed(OpType.WITHDRAW_CODE, account, 0, amount, 0, keyHi, keyLo);
    }

    /** Submits a withdrawal with a UUID idempotency key. @return its transaction id. */
    public long withdraw(final long account, final long amount, final UUID key)
    {
        return withdraw(account, amount, key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /** Submits a transfer. @return its transaction id. */
    public long transfer(final long from, final long to, final long amount)
    {
        return submit(OpType.TRANSFER_CODE, from, to, amount);
    }

    /** Submits a transfer with the idempotency key {@code (keyHi, keyLo)}, not 0. @return its transaction id. */
    public long transfer(final long from, final long to, final long amount, final long keyHi, final long keyLo)
    {
        return submitKeyed(OpType.TRANSFER_CODE, from, to, amount, 0, keyHi, keyLo);
    }

    /** Submits a transfer with a UUID idempotency key. @return its transaction id. */
    public long transfer(final long from, final long to, final long amount, final UUID key)
    {
        return transfer(from, to, amount, key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /**
     * Submits a hold: reserves {@code amount} of {@code from}'s funds for {@code to} until it is posted, voided,
     * or expires after {@code timeoutSeconds} (0: never). The hold is named by the returned transaction id.
     *
     * @return its transaction id.
     * @throws IllegalArgumentException when the timeout is negative.
     */
    public long hold(final long from, final long to, final long amount, final int timeoutSeconds)
    {
        checkTimeout(timeoutSeconds);
        return submit(OpType.HOLD_CODE, 0, timeoutSeconds, from, to, amount, 0, 0);
    }

    /** As {@link #hold(long, long, long, int)} with the idempotency key {@code (keyHi, keyLo)}, not 0. */
    public long hold(final long from, final long to, final long amount, final int timeoutSeconds, final long keyHi,
        final long keyLo)
    {
        checkTimeout(timeoutSeconds);
        return submitKeyed(OpType.HOLD_CODE, from, to, amount, timeoutSeconds, keyHi, keyLo);
    }

    /** As {@link #hold(long, long, long, int)} with a UUID idempotency key. */
    public long hold(final long from, final long to, final long amount, final int timeoutSeconds, final UUID key)
    {
        return hold(from, to, amount, timeoutSeconds, key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /** Submits a post of {@code amount} (0: all) of the hold made by {@code holdTxId}. @return its transaction id. */
    public long post(final long holdTxId, final long amount)
    {
        return submit(OpType.POST_CODE, holdTxId, 0, amount);
    }

    /** As {@link #post(long, long)} with the idempotency key {@code (keyHi, keyLo)}, not 0. */
    public long post(final long holdTxId, final long amount, final long keyHi, final long keyLo)
    {
        return submitKeyed(OpType.POST_CODE, holdTxId, 0, amount, 0, keyHi, keyLo);
    }

    /** As {@link #post(long, long)} with a UUID idempotency key. */
    public long post(final long holdTxId, final long amount, final UUID key)
    {
        return post(holdTxId, amount, key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /** Submits a void of the hold made by {@code holdTxId}. @return its transaction id. */
    public long voidHold(final long holdTxId)
    {
        return submit(OpType.VOID_CODE, holdTxId, 0, 0);
    }

    /** As {@link #voidHold(long)} with the idempotency key {@code (keyHi, keyLo)}, not 0. */
    public long voidHold(final long holdTxId, final long keyHi, final long keyLo)
    {
        return submitKeyed(OpType.VOID_CODE, holdTxId, 0, 0, 0, keyHi, keyLo);
    }

    /** As {@link #voidHold(long)} with a UUID idempotency key. */
    public long voidHold(final long holdTxId, final UUID key)
    {
        return voidHold(holdTxId, key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    private static void checkTimeout(final int timeoutSeconds)
    {
        if (timeoutSeconds < 0)
        {
            throw new IllegalArgumentException("hold timeout must be in 0..2^31-1 seconds, was " + timeoutSeconds);
        }
    }

    private long submitKeyed(final int type, final long account, final long toAccount, final long amount,
        final int timeout, final long keyHi, final long keyLo)
    {
        if (keyHi == 0 && keyLo == 0)
        {
            throw new IllegalArgumentException("idempotency key 0 is not a key (keys are 1..2^128-1)");
        }
        return submit(type, TxJournalDescriptor.KEYED, timeout, account, toAccount, amount, keyHi, keyLo);
    }

    /**
     * Submits one operation.
     *
     * @return its transaction id.
     * @throws NullPointerException    when {@code operation} is null.
     * @throws LedgerClosedException   when the ledger is closed.
     * @throws LedgerFailedException   when a stage has failed.
     */
    public long submit(final Operation operation)
    {
        Objects.requireNonNull(operation, "operation");
        return submit(operation.type().code(), operation.keyed() ? TxJournalDescriptor.KEYED : 0, operation.timeout(),
            operation.account(), operation.toAccount(), operation.amount(), operation.keyHi(), operation.keyLo());
    }

    /**
     * Submits operations in order. Ids are increasing; they are consecutive unless other threads submit
     * at the same time. Every null is rejected before anything is submitted.
     *
     * @return the transaction ids, one per operation, in order.
     */
    public long[] submitAll(final List<Operation> operations)
    {
        Objects.requireNonNull(operations, "operations");
        for (int i = 0; i < operations.size(); i++)
        {
            if (operations.get(i) == null)
            {
                throw new NullPointerException("operations[" + i + "] is null");
            }
        }
        final long[] ids = new long[operations.size()];
        // one ring claim per batch of up to maxChain operations, not one per operation
        final ChainBuilder batch = new ChainBuilder(this, Math.min(config.maxChain(), Math.max(1, ids.length)), false);
        int submitted = 0;
        while (submitted < ids.length)
        {
            final int n = Math.min(batch.capacity(), ids.length - submitted);
            for (int i = 0; i < n; i++)
            {
                batch.add(operations.get(submitted + i));
            }
            final long first = batch.submit();
            for (int i = 0; i < n; i++)
            {
                ids[submitted + i] = first + i;
            }
            submitted += n;
        }
        return ids;
    }

    /**
     * Submits a linked chain: the operations apply all or nothing, in order, with consecutive transaction ids
     * and no other transaction between them. If one fails, it reports its own result and every other member
     * LINKED_EVENT_FAILED.
     *
     * @return the id of the first member; member i has id {@code first + i}.
     * @throws IllegalArgumentException when the chain is empty or longer than {@link LedgerConfig#maxChain()}
     *                                  (nothing is submitted).
     */
    public long submitChain(final Operation... operations)
    {
        Objects.requireNonNull(operations, "operations");
        final ChainBuilder chain = new ChainBuilder(this, operations.length);
        for (int i = 0; i < operations.length; i++)
        {
            chain.add(Objects.requireNonNull(operations[i], "operations[" + i + "] is null"));
        }
        return chain.submit();
    }

    /**
     * @return a reusable builder of linked chains of up to {@link LedgerConfig#maxChain()} operations; one per
     *     thread (it is not thread-safe). Submitting from a builder allocates nothing.
     */
    public ChainBuilder chainBuilder()
    {
        return new ChainBuilder(this, config.maxChain());
    }

    /**
     * @return a reusable, allocation-free builder of <b>batches</b>: up to {@link LedgerConfig#maxChain()}
     *     operations submitted with one claim of the submission ring (consecutive ids), each applied on its own,
     *     exactly as if submitted alone (a failure affects only that operation). The cheapest way to submit many
     *     operations from one thread. Not thread-safe: one builder per submitting thread.
     */
    public ChainBuilder batchBuilder()
    {
        return new ChainBuilder(this, config.maxChain(), false);
    }

    long submitChain(final long[] packed, final int count)
    {
        if (count < 1 || count > config.maxChain())
        {
            throw new IllegalArgumentException("a chain has 1.." + config.maxChain() + " operations, not " + count);
        }
        checkAccepting();
        return accepted(submissions.submitChain(packed, count));
    }

    private long submit(final int type, final long account, final long toAccount, final long amount)
    {
        return submit(type, 0, 0, account, toAccount, amount, 0, 0);
    }

    private long submit(final int type, final int flags, final int timeout, final long account, final long toAccount,
        final long amount, final long keyHi, final long keyLo)
    {
        checkAccepting();
        return accepted(submissions.submit(type, flags, timeout, account, toAccount, amount, keyHi, keyLo));
    }

    private void checkAccepting()
    {
        if (state != OPEN)
        {
            checkFailed();
            throw new LedgerClosedException("ledger in " + config.directory() + " is closed");
        }
    }

    /** @return the id the ring handed out, after waking the sequencer; throws when the ring was closed. */
    private long accepted(final long id)
    {
        if (id == SubmissionRing.CLOSED)
        {
            checkFailed();
            throw new LedgerClosedException("ledger in " + config.directory() + " is closed");
        }
        sequencer.wakeAfterFence(); // the publishing CAS was a full fence
        return id;
    }

    /**
     * @return the transaction that consumed the idempotency key {@code (keyHi, keyLo)} (computed, maybe not yet
     *     committed), or empty when no remembered transaction did.
     */
    public OptionalLong transactionForKey(final long keyHi, final long keyLo)
    {
        checkOpen();
        final long txId = pipeline.state.transactionForKey(keyHi, keyLo);
        return txId == 0 ? OptionalLong.empty() : OptionalLong.of(txId);
    }

    /** As {@link #transactionForKey(long, long)} for a UUID key. */
    public OptionalLong transactionForKey(final UUID key)
    {
        return transactionForKey(key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /**
     * Waits until transaction {@code txId} reaches {@code level}. A graceful {@link #close()} drains the
     * pipeline: a transaction that the drain settles is reported as reached, even when close() began
     * while this method was waiting.
     *
     * @param timeout how long to wait at most; any non-negative duration, up to {@link Duration}'s maximum
     *                (a timeout beyond about 292 years waits without limit).
     * @return true when it did, false on timeout.
     * @throws IllegalArgumentException when {@code txId} was never handed out or the timeout is negative.
     * @throws LedgerFailedException    when a stage failed before the level was reached.
     * @throws LedgerClosedException    when the ledger closed (its drain finished) before the level was reached:
     *                                  for SNAPSHOTTED with {@code snapshotOnClose(false)}, say.
     * @throws InterruptedException     when the waiting thread is interrupted.
     */
    public boolean await(final long txId, final Level level, final Duration timeout) throws InterruptedException
    {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        checkKnownId(txId);
        final ProgressIndex index = pipeline.index(level);
        final long timeoutNanos = toNanosSaturated(timeout);
        final long start = System.nanoTime();
        int idle = 0;
        while (index.get() < txId)
        {
            checkFailed();
            if (state == CLOSED)
            {
                if (index.get() >= txId)
                {
                    return true;
                }
                throw new LedgerClosedException("ledger in " + config.directory() + " closed before tx " + txId
                    + " was " + level + " (" + level + " index " + index.get() + ")");
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException("interrupted waiting for tx " + txId + " to be " + level);
            }
            if (System.nanoTime() - start >= timeoutNanos)
            {
                return false;
            }
            if (level == Level.SNAPSHOTTED && idle == 1000)
            {
                pipeline.requestSnapshot(txId); // nobody waits for the next periodic snapshot
            }
            idle = backOff(idle);
        }
        return true;
    }

    static long toNanosSaturated(final Duration duration)
    {
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }

    /** One step of a waiter's back-off: {@link BackOff#WAITER}. */
    static int backOff(final int idle)
    {
        return BackOff.WAITER.idle(idle);
    }

    /** Longest park of a waiter ({@link BackOff#WAITER}). */
    static final long MAX_WAITER_PARK_NANOS = 1_000_000;

    /** @return how long step {@code idle} of a waiter's back-off parks (0: it spins or yields). */
    static long waiterParkNanos(final int idle)
    {
        return BackOff.WAITER.parkNanos(idle);
    }

    /**
     * @return the status of {@code txId}: its progress and, once computed, its result (null when the
     *     result is older than the result retention or precedes the snapshot this process started from).
     * @throws IllegalArgumentException when {@code txId} was never handed out.
     */
    public TransactionStatus status(final long txId)
    {
        checkKnownId(txId);
        // read the later stages first: each index only ever trails the one before it, so a transaction
        // seen as snapshotted or committed here is certainly computed, and its result is written
        final long snapshotted = pipeline.snapshotIndex.get();
        final long committed = pipeline.commitIndex.get();
        final long computed = pipeline.computeIndex.get();
        final TxState state = txId <= snapshotted ? TxState.SNAPSHOTTED
            : txId <= committed ? TxState.COMMITTED
            : txId <= computed ? TxState.COMPUTED : TxState.PENDING;
        if (state == TxState.PENDING)
        {
            return new TransactionStatus(txId, TxState.PENDING, null);
        }
        Result result = null;
        final long[] extra = new long[2];
        if (txId >= pipeline.firstResultTxId)
        {
            final int code = pipeline.results.get(txId, extra);
            result = code < 0 ? null : RESULTS[code];
        }
        return result == null ? new TransactionStatus(txId, state, null)
            : new TransactionStatus(txId, state, result, extra[0], extra[1]);
    }

    /**
     * Reads an account's balance straight from the store, never blocking the transactor.
     *
     * @param account the account id; 0 is the system account.
     * @return the balance, pending sums, overdraft and the transaction they reflect, or empty when the account is
     *     not open. Never shows the inside of a linked chain.
     */
    public Optional<AccountBalance> balance(final long account)
    {
        checkOpen();
        final long[] fields = new long[LedgerState.FIELDS];
        if (!pipeline.state.readBalance(account, fields))
        {
            return Optional.empty();
        }
        return Optional.of(new AccountBalance(account, fields[LedgerState.BALANCE], fields[LedgerState.LAST_TX],
            fields[LedgerState.DEBITS_PENDING], fields[LedgerState.CREDITS_PENDING], fields[LedgerState.OVERDRAFT]));
    }

    /**
     * Visits every open account and the system account (in no particular order), each read torn-free.
     * Accounts opened during the visit may or may not be seen.
     */
    public void forEachAccount(final LedgerState.AccountVisitor visitor)
    {
        Objects.requireNonNull(visitor, "visitor");
        checkOpen();
        pipeline.state.forEachAccount(visitor);
    }

    /** @return the highest transaction id applied by the transactor. */
    public long computeIndex()
    {
        return pipeline.computeIndex.get();
    }

    /** @return the highest transaction id forced to disk. */
    public long commitIndex()
    {
        return pipeline.commitIndex.get();
    }

    /** @return the highest transaction id contained in a durable snapshot. */
    public long snapshotIndex()
    {
        return pipeline.snapshotIndex.get();
    }

    /** @return the index of {@code level}. */
    public long index(final Level level)
    {
        return pipeline.index(Objects.requireNonNull(level, "level")).get();
    }

    /**
     * @return the last transaction the committed-transaction feed holds (it follows the commit index).
     * @throws IllegalStateException when the feed is off.
     */
    public long feedIndex()
    {
        if (pipeline.feedIndex == null)
        {
            throw new IllegalStateException("the feed is off: open the ledger with LedgerConfig.Builder.feed(true)");
        }
        return pipeline.feedIndex.get();
    }

    /** @return why the feed stopped (the ledger runs on without it), or null while it runs or is off. */
    public Throwable feedFailure()
    {
        return pipeline.feedFailure();
    }

    /**
     * The applied transactions that touched {@code account}, newest first, as the feed holds them (up to
     * {@link #feedIndex()}; roll cycles deleted by retention are gone). The same query as
     * {@code ./ledger history}; its cost grows with {@code limit}, not with the ledger's size. Needs roda-feed.
     * Any thread may call it; queries share one reader of the feed and run one at a time (a thread that needs
     * many concurrent queries can open its own {@code io.roda.feed.LedgerFeed}).
     *
     * @param account    the account (0 is the system account).
     * @param limit      the most rows (at least 1).
     * @param beforeTxId only transactions below it; 0 for no bound.
     * @throws IllegalStateException    when the feed is off.
     * @throws IllegalArgumentException naming a bad argument.
     */
    public List<io.roda.feed.LedgerFeed.HistoryEntry> history(final long account, final int limit, final long beforeTxId)
    {
        checkOpen();
        feedIndex();
        final FeedWiring reader;
        synchronized (this)
        {
            if (feedReader == null)
            {
                feedReader = FeedWiring.reader(config);
            }
            reader = feedReader;
        }
        return reader.history(account, limit, beforeTxId);
    }

    /** @return the highest transaction id handed out so far. */
    public long lastTxId()
    {
        return submissions.lastAssignedId();
    }

    /** @return accounts open (system account excluded). */
    public long accountCount()
    {
        return pipeline.state.accountCount();
    }

    /** @return what recovery found when this ledger was opened. */
    public RecoveryReport recoveryReport()
    {
        return recovery;
    }

    /**
     * @return each stage's counters now, cumulative since open, in pipeline order: sequencer, transactor, wal,
     *     snapshotter (also on JMX: {@link LedgerMXBean}). Subtract two readings ({@link StageStats#minus}) for
     *     what happened between them.
     */
    public List<StageStats> stageStats()
    {
        return pipeline.stageStats();
    }

    /** @return where each stage thread runs, e.g. {@code transactor: cpu 1} or {@code wal: unpinned}. */
    public List<String> stagePlacement()
    {
        return pipeline.placement();
    }

    /** @return the configuration. */
    public LedgerConfig config()
    {
        return config;
    }

    /** @return the error that stopped a stage, or null while healthy. */
    public Throwable failure()
    {
        return pipeline.failure();
    }

    private void checkKnownId(final long txId)
    {
        final long last = submissions.lastAssignedId();
        if (txId < 1 || txId > last)
        {
            throw new IllegalArgumentException("transaction id " + txId + " was never handed out (ids so far: 1.."
                + last + ")");
        }
    }

    private void checkFailed()
    {
        if (pipeline.failed())
        {
            throw new LedgerFailedException("ledger in " + config.directory() + " failed and accepts no work; "
                + "nothing after transaction " + pipeline.commitIndex.get() + " is committed", pipeline.failure());
        }
    }

    private void checkOpen()
    {
        if (state == CLOSED)
        {
            throw new LedgerClosedException("ledger in " + config.directory() + " is closed");
        }
    }

    /**
     * Stops accepting work, waits until everything submitted is committed (and, by default, snapshotted),
     * then stops the stages and releases the directory. Idempotent. Every wait is bounded by
     * {@link LedgerConfig#closeTimeout()}; each stage then gets {@link LedgerConfig#stageStopTimeout()} (10 s by
     * default) to finish its current batch and stop, is interrupted after that, and gets as long again. Callers of {@link #await} whose transaction the drain settles get the real outcome.
     *
     * @throws LedgerFailedException when a stage had failed. The directory is released, unless another stage
     *                               also did not stop: then the message says so, each stuck stage is attached
     *                               as a suppressed exception with its stack, and the directory stays locked.
     * @throws LedgerException       when the drain did not finish in time (the message says how far it got;
     *                               everything up to the commit index it names is durable), or a stage did not
     *                               stop: then the directory stays locked until this process exits, so that
     *                               no other ledger can open it beside a stage that may still write.
     */
    @Override
    public synchronized void close()
    {
        if (state != OPEN)
        {
            return;
        }
        state = CLOSING;
        final long timeoutNanos = toNanosSaturated(config.closeTimeout());
        final long deadline = System.nanoTime() + timeoutNanos;
        String drainProblem = null;
        List<IllegalStateException> stuck = List.of();
        try
        {
            while (!submissions.close(Math.min(1_000_000L, Math.max(0, deadline - System.nanoTime()))))
            {
                if (pipeline.failed() || System.nanoTime() - deadline >= 0)
                {
                    break;
                }
            }
            final long last = submissions.lastAssignedId();
            if (!pipeline.awaitUntil(pipeline.commitIndex, last, deadline))
            {
                drainProblem = "commit index reached " + pipeline.commitIndex.get() + " of " + last;
            }
            else if (config.snapshotOnClose() && last > pipeline.snapshotIndex.get())
            {
                pipeline.requestSnapshot(last);
                if (!pipeline.awaitUntil(pipeline.snapshotIndex, last, deadline))
                {
                    drainProblem = "every transaction up to " + last + " is committed, but the final snapshot "
                        + "was not written (snapshot index " + pipeline.snapshotIndex.get() + ")";
                }
            }
            if (drainProblem == null && pipeline.feedIndex != null && pipeline.feedFailure() == null)
            {
                // best effort: a feed that lags is caught up by the next open, so it never fails the close
                int idle = 0;
                while (pipeline.feedIndex.get() < last && pipeline.feedFailure() == null && !pipeline.failed()
                    && System.nanoTime() - deadline < 0)
                {
                    idle = backOff(idle);
                }
            }
        }
        finally
        {
            // its own bound, not closeTimeout: a short drain bound never interrupts healthy stages
            stuck = pipeline.stop(toNanosSaturated(config.stageStopTimeout()));
            LedgerJmx.unregister(mbean);
            if (feedReader != null)
            {
                feedReader.close();
            }
            if (stuck.isEmpty())
            {
                DirectoryLock.release(lock, lockChannel);
            }
            state = CLOSED;
        }
        final String stuckReport = stuck.isEmpty() ? "" : "; stages that did not stop (the directory stays "
            + "locked until this process exits): " + stuck.size();
        if (pipeline.failed())
        {
            // a failed stage and a stuck one: both are reported, never only the first
            final LedgerFailedException e = new LedgerFailedException("ledger in " + config.directory()
                + " failed and accepts no work; nothing after transaction " + pipeline.commitIndex.get()
                + " is committed" + stuckReport, pipeline.failure());
            stuck.forEach(e::addSuppressed);
            throw e;
        }
        if (drainProblem != null || !stuck.isEmpty())
        {
            final LedgerException e = new LedgerException("close of ledger in " + config.directory() + " gave up"
                + (drainProblem == null ? "" : " after " + config.closeTimeout().toMillis() + " ms: " + drainProblem)
                + stuckReport, stuck.isEmpty() ? null : stuck.get(0));
            for (int i = 1; i < stuck.size(); i++)
            {
                e.addSuppressed(stuck.get(i));
            }
            throw e;
        }
    }
}
