package io.roda.feed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import io.roda.common.Agent;
import io.roda.common.Contexts;
import io.roda.common.ProgressIndex;
import io.roda.core.Holds;
import io.roda.core.LedgerState;
import io.roda.core.OpType;
import io.roda.core.Replayer;
import io.roda.core.Result;
import io.roda.wal.WalRecord;
import io.roda.wal.WalTailer;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The feed stage: follows the commit index, reads each newly committed frame back from the WAL files (never
 * from the journal, so nothing it does pushes back into the pipeline), replays it through its own copy of
 * the state with the transactor's rules, and appends one entry per transaction, with the post-balances of
 * the accounts it touched, to the Chronicle Queue in {@code DIR/feed}. It also keeps {@link AccountHeads}.
 *
 * <p>Crash consistency: the feed is derived from the WAL. On start it reads its last entry F, rebuilds the
 * state at F from the newest snapshot at or below F plus the WAL (on its own thread, so opening the ledger
 * does not wait), and appends from F + 1: ids stay consecutive with no gap and no duplicate. A chain's members
 * are appended one by one, so a crash may leave F inside a chain: the chain is then replayed again from its
 * start (a chain applies as a unit) and only its members after F are appended. It publishes only what the
 * commit index covers, so it never holds a transaction that is not durable.
 *
 * <p>A failure (a disk error, a WAL that does not verify) stops the feed alone: it is reported to
 * {@link Context#onFailure} and the ledger runs on; the next open catches up.
 */
public final class FeedAgent implements Agent
{
    /** Builds the feed's state at a transaction from what the ledger's directory holds. */
    public interface StateSource
    {
        /** A state and the transaction it holds everything up to. */
        record Start(LedgerState state, long txId)
        {
        }

        /**
         * @return the transaction the feed may start after when it is empty: 0 when the WAL still holds
         *     transaction 1 (or the ledger is new), else the oldest snapshot that verifies.
         * @throws IOException when neither exists.
         */
        long earliestStart() throws IOException;

        /**
         * @return the newest snapshot at or below {@code txId} that verifies, loaded; or an empty state at 0 when
         *     there is none and the WAL holds transaction 1.
         * @throws IOException when the state at {@code txId} cannot be rebuilt.
         */
        Start atOrBelow(long txId) throws IOException;
    }

    /** The feed's settings. */
    public static final class Context
    {
        private Path ledgerDirectory;
        private LedgerState.Limits limits;
        private ProgressIndex commitIndex;
        private ProgressIndex feedIndex;
        private StateSource stateSource;
        private String rollCycle = "FAST_DAILY";
        private Duration retention = Duration.ZERO;
        private int maxBatch = 4096;
        private Consumer<Throwable> onFailure;

        /** @param dir the ledger's directory (the feed lives in {@code dir/feed}, the WAL in {@code dir/wal}). */
        public Context ledgerDirectory(final Path dir)
        {
            this.ledgerDirectory = dir;
            return this;
        }

        /** @param limits the ledger's limits, for the feed's copy of the state. */
        public Context limits(final LedgerState.Limits limits)
        {
            this.limits = limits;
            return this;
        }

        /** @param index the commit index the feed follows. */
        public Context commitIndex(final ProgressIndex index)
        {
            this.commitIndex = index;
            return this;
        }

        /** @param index set to the last transaction the feed holds (also read by retention). */
        public Context feedIndex(final ProgressIndex index)
        {
            this.feedIndex = index;
            return this;
        }

        /** @param source rebuilds the state at the feed's position. */
        public Context stateSource(final StateSource source)
        {
            this.stateSource = source;
            return this;
        }

        /** @param name the queue's roll cycle, one of {@link FeedQueue#ROLL_CYCLES}. */
        public Context rollCycle(final String name)
        {
            this.rollCycle = name;
            return this;
        }

        /** @param age delete roll cycles that ended longer ago than this; {@link Duration#ZERO} keeps all. */
        public Context retention(final Duration age)
        {
            this.retention = age;
            return this;
        }

        /** @param records the most records one work cycle appends. */
        public Context maxBatch(final int records)
        {
            this.maxBatch = records;
            return this;
        }

        /** @param handler told once when the feed stops on a failure. */
        public Context onFailure(final Consumer<Throwable> handler)
        {
            this.onFailure = handler;
            return this;
        }

        Context conclude()
        {
            Contexts.require(ledgerDirectory, "feed", "ledgerDirectory");
            Contexts.distinct("feed", "commitIndex", commitIndex, "feedIndex", feedIndex);
            Contexts.require(limits, "feed", "limits");
            Contexts.require(commitIndex, "feed", "commitIndex");
            Contexts.require(feedIndex, "feed", "feedIndex");
            Contexts.require(stateSource, "feed", "stateSource");
            Contexts.require(onFailure, "feed", "onFailure");
            FeedQueue.rollCycle(rollCycle);
            if (retention == null || retention.isNegative())
            {
                throw new IllegalArgumentException("feed retention must be zero (keep all) or positive, was " + retention);
            }
            if (maxBatch < 1)
            {
                throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
            }
            return this;
        }
    }

    private static final long RETENTION_CHECK_NANOS = 1_000_000_000L;

    private final Context ctx;
    private final Path walDir;
    private final FeedQueue queue;
    private final ExcerptAppender appender;
    private AccountHeads heads;
    private final FeedRetention retention;
    private final long startAfter;      // the feed's last entry when opened (or where an empty feed starts)
    private long resumeFrom;            // the first transaction replayed with the emitter (startAfter + 1, or the
                                        // start of the chain a crash cut short in the feed)
    private final FeedEntry entry = new FeedEntry();
    private final long[] fields = new long[LedgerState.FIELDS];
    private final int maxChain;
    // per buffered chain member k (a single transaction is member 0)
    private final int[] types;
    private final int[] flags;
    private final int[] timeouts;
    private final long[] accounts;
    private final long[] tos;
    private final long[] amounts;
    private final long[] keyHis;
    private final long[] keyLos;
    private final long[] holdFrom;
    private final long[] holdTo;
    private final long[] holdAmount;
    private final long[] captured;      // per member: from, to, then 3 fields each (balance, dp, cp); valid if ok
    private final boolean[] applied;
    private final FeedEntry expiries = new FeedEntry(); // holds expired before member 0, and their accounts after it
    private long pendingFirst;
    private long sideFrom;              // sides(k)
    private long sideTo;
    private boolean hasSideFrom;
    private boolean hasSideTo;
    private LedgerState state;
    private Replayer replayer;
    private WalTailer tailer;
    private long lastRetentionCheck;
    private boolean stopped;
    private final Replayer.Outcome emitter = this::emit;
    private final io.roda.wal.WalReader.RecordHandler handler = (record, segment, offset) -> accept(record);

    /**
     * Opens the queue and its heads (on the caller's thread: a missing flag or an unusable directory fails the
     * ledger's open, not later).
     */
    public FeedAgent(final Context context) throws IOException
    {
        this.ctx = context.conclude();
        final Path feedDir = FeedQueue.directory(ctx.ledgerDirectory);
        this.walDir = ctx.ledgerDirectory.resolve("wal");
        ChronicleFlags.check(); // before anything is created: a missing flag leaves the directory as it was
        Files.createDirectories(feedDir);
        this.queue = FeedQueue.forWriting(feedDir, FeedQueue.rollCycle(ctx.rollCycle));
        try
        {
            final long last = queue.lastTxId();
            final long commit = ctx.commitIndex.get();
            if (last > commit)
            {
                throw new IllegalStateException("the feed in " + feedDir + " holds transaction " + last
                    + " but the ledger has committed only up to " + commit + ": the feed belongs to another ledger "
                    + "or the WAL lost committed data; move " + feedDir + " away to rebuild the feed");
            }
            this.startAfter = last > 0 ? last : ctx.stateSource.earliestStart();
            this.heads = AccountHeads.openForWriting(feedDir, ctx.limits.maxAccounts());
            this.appender = queue.queue.createAppender();
        }
        catch (final IOException | RuntimeException e)
        {
            queue.close();
            throw e;
        }
        this.retention = new FeedRetention(feedDir, queue.queue);
        ctx.feedIndex.set(startAfter);
        this.maxChain = ctx.limits.maxChain();
        types = new int[maxChain];
        flags = new int[maxChain];
        timeouts = new int[maxChain];
        accounts = new long[maxChain];
        tos = new long[maxChain];
        amounts = new long[maxChain];
        keyHis = new long[maxChain];
        keyLos = new long[maxChain];
        holdFrom = new long[maxChain];
        holdTo = new long[maxChain];
        holdAmount = new long[maxChain];
        captured = new long[maxChain * 8];
        applied = new boolean[maxChain];
    }

    @Override
    public String roleName()
    {
        return "feed";
    }

    /** @return the transaction the feed held when opened (or where an empty feed starts). */
    public long startAfter()
    {
        return startAfter;
    }

    @Override
    public int doWork()
    {
        if (stopped)
        {
            return 0;
        }
        try
        {
            if (replayer == null)
            {
                bootstrap();
                return 1;
            }
            final int n = tailer.poll(ctx.commitIndex.get(), ctx.maxBatch, handler);
            if (n > 0)
            {
                // max: after a crash inside a chain the stage replays the chain from its start (entries it holds)
                ctx.feedIndex.set(Math.max(startAfter, tailer.nextTxId() - 1));
            }
            if (!ctx.retention.isZero())
            {
                final long now = System.nanoTime();
                if (now - lastRetentionCheck > RETENTION_CHECK_NANOS)
                {
                    lastRetentionCheck = now;
                    retention.deleteOlderThan(ctx.retention, System.currentTimeMillis());
                }
            }
            return n;
        }
        catch (final IOException | RuntimeException | InternalError e)
        {
            // InternalError: a fault in a mapped file (a full disk under DIR/feed): the feed stops, never the ledger
            stopped = true;
            ctx.onFailure.accept(e);
            return 0;
        }
    }

    /** Rebuilds the state at the feed's last entry, then re-applies the heads the last entries may lack. */
    private void bootstrap() throws IOException
    {
        final StateSource.Start start = ctx.stateSource.atOrBelow(startAfter);
        state = start.state();
        final long snapshot = start.txId();
        final Replayer silent = new Replayer(state);
        final long[] last = {startAfter == snapshot ? state.lastTimestamp() : 0, -1, -1}; // timestamp, type, result
        try (WalTailer catchUp = new WalTailer(walDir, snapshot + 1))
        {
            while (catchUp.nextTxId() <= startAfter)
            {
                final int n = catchUp.poll(startAfter, Integer.MAX_VALUE, (record, segment, offset) ->
                {
                    silent.accept(record.txId, record.timestamp, record.type, record.flags, record.timeout,
                        record.account, record.toAccount, record.amount, record.keyHi, record.keyLo, record.result, null);
                    if (record.txId == startAfter)
                    {
                        last[0] = record.timestamp;
                        last[1] = record.type;
                        last[2] = record.result & 0xFF;
                    }
                });
                if (n == 0)
                {
                    throw new IOException("the WAL in " + walDir + " ends at " + (catchUp.nextTxId() - 1)
                        + " but the feed holds transactions up to " + startAfter);
                }
            }
        }
        // a crash between the appends of one chain's members leaves the feed inside the chain; the silent replay
        // buffered the chain's members without applying them (a chain applies as a unit at its last member), so the
        // state is at the chain's start - 1: replay the chain again and append only the members after startAfter
        resumeFrom = silent.midChain() ? silent.chainStart() : startAfter + 1;
        checkBelongs(last[0], (int)last[1], (int)last[2]);
        rebuildHeads();
        replayer = new Replayer(state);
        replayer.observer(new Replayer.ApplyObserver()
        {
            @Override
            public void beforeApply(final long txId, final int type, final long account, final long to, final long amount)
            {
                before(txId, type);
            }

            @Override
            public void afterApply(final long txId, final int type, final long account, final long to,
                final long amount, final byte result)
            {
                after(txId, result);
            }
        });
        state.expiryListener((holdId, from, to, amount) -> expiries.addExpired(holdId, from, to, amount));
        tailer = new WalTailer(walDir, resumeFrom);
    }

    /**
     * The feed's last entry must be this ledger's transaction {@code startAfter}: same timestamp (ledger time is
     * unique per transaction and increasing), and the same operation and result when the WAL still holds it. A
     * feed of another ledger, or one a power cut left with another tail, is refused rather than continued.
     */
    private void checkBelongs(final long timestamp, final int type, final int result)
    {
        if (startAfter == 0 || queue.firstTxId() == 0)
        {
            return; // an empty feed
        }
        final FeedEntry e = new FeedEntry();
        if (queue.locate(startAfter, e) == Long.MIN_VALUE || e.timestamp != timestamp
            || (type >= 0 && (e.op != type || e.result != result)))
        {
            throw new IllegalStateException("the feed in " + FeedQueue.directory(ctx.ledgerDirectory)
                + " does not match this ledger: its last entry, transaction " + startAfter + ", is "
                + (e.txId == startAfter ? e.operation() + " " + e.result() + " at " + e.timestamp : "unreadable")
                + " but this ledger's transaction " + startAfter + " is at " + timestamp
                + (type >= 0 ? " (" + io.roda.core.OpType.fromCode(type) + ")" : "")
                + "; it belongs to another ledger or was damaged: move it away while the ledger is closed, and the "
                + "next open rebuilds the feed from the WAL and snapshots");
        }
    }

    /** Heads are stored after each append: re-apply those of the entries after {@code through}. */
    private void rebuildHeads() throws IOException
    {
        long from = heads.through() + 1;
        if (heads.damaged(ctx.limits.maxAccounts(), startAfter))
        {
            // damaged, or ahead of the queue (a power cut lost the queue's tail but not theirs): derived data, so
            // rebuilt from the queue (checked here, on the feed's thread: O(table), it never delays the open)
            heads.close();
            heads = AccountHeads.recreate(FeedQueue.directory(ctx.ledgerDirectory), ctx.limits.maxAccounts());
            from = 1;
        }
        final long first = queue.firstTxId();
        if (first == 0)
        {
            return; // an empty feed (it starts after startAfter): no heads to re-apply
        }
        from = Math.max(from, first);
        if (from > startAfter)
        {
            return;
        }
        final FeedEntry e = new FeedEntry();
        final net.openhft.chronicle.queue.ExcerptTailer positioned = queue.tailerAt(from);
        try (LedgerFeed.Tailer replay = new LedgerFeed.Tailer(positioned, from))
        {
            while (replay.next(e))
            {
                for (int i = 0; i < e.touched; i++)
                {
                    heads.put(e.accounts[i], e.txId);
                }
                heads.through(e.txId);
                if (e.txId >= startAfter)
                {
                    break;
                }
            }
        }
    }

    private void accept(final WalRecord record)
    {
        if (!replayer.midChain())
        {
            pendingFirst = record.txId;
        }
        final int k = (int)(record.txId - pendingFirst);
        types[k] = record.type;
        flags[k] = record.flags;
        timeouts[k] = record.timeout;
        accounts[k] = record.account;
        tos[k] = record.toAccount;
        amounts[k] = record.amount;
        keyHis[k] = record.keyHi;
        keyLos[k] = record.keyLo;
        holdFrom[k] = FeedEntry.NONE; // before() resolves the hold; a chain member after a failing one never gets there
        holdTo[k] = FeedEntry.NONE;
        holdAmount[k] = 0;
        applied[k] = false;
        replayer.accept(record.txId, record.timestamp, record.type, record.flags, record.timeout, record.account,
            record.toAccount, record.amount, record.keyHi, record.keyLo, record.result, emitter);
    }

    private void before(final long txId, final int type)
    {
        final int k = (int)(txId - pendingFirst);
        if (k == 0)
        {
            // the holds that expired at this timestamp: their accounts' state after expiry, before the operation
            expiries.touched = 0;
            for (int h = 0; h < expiries.expired; h++)
            {
                captureExpiry(expiries.expiredFrom(h));
                captureExpiry(expiries.expiredTo(h));
            }
        }
        if (type == OpType.POST_CODE || type == OpType.VOID_CODE)
        {
            lookUpHold(k);
        }
    }

    /** Member {@code k} posts or voids: note the hold's accounts and amount, if the state knows the hold. */
    private void lookUpHold(final int k)
    {
        final Holds holds = state.holds();
        final int e = holds.find(accounts[k]);
        if (e >= 0)
        {
            holdFrom[k] = holds.from(e);
            holdTo[k] = holds.to(e);
            holdAmount[k] = holds.amount(e);
        }
    }

    private void captureExpiry(final long account)
    {
        final int i = expiries.touch(account);
        if (state.peekAccount(account, fields))
        {
            expiries.balances[i] = fields[LedgerState.BALANCE];
            expiries.debitsPending[i] = fields[LedgerState.DEBITS_PENDING];
            expiries.creditsPending[i] = fields[LedgerState.CREDITS_PENDING];
        }
    }

    private void after(final long txId, final byte result)
    {
        final int k = (int)(txId - pendingFirst);
        applied[k] = result == Result.OK.code();
        if (!applied[k])
        {
            return;
        }
        sides(k);
        final long from = hasSideFrom ? sideFrom : FeedEntry.NONE; // an applied operation's accounts are >= 0
        final long into = hasSideTo ? sideTo : FeedEntry.NONE;
        final int at = k * 8;
        captured[at] = from;
        captured[at + 1] = into;
        capture(from, at + 2);
        capture(into, at + 5);
    }

    /**
     * The debited and credited sides of member {@code k}'s operation, as recorded (a rejected transaction's
     * accounts are whatever was submitted), into {@link #sideFrom}/{@link #sideTo}; a side that does not exist
     * (an open's from, a tick's, those of a post or void of an unknown hold) has {@code hasSide*} false.
     */
    private void sides(final int k)
    {
        hasSideFrom = true;
        hasSideTo = true;
        switch (types[k])
        {
            case OpType.TRANSFER_CODE:
            case OpType.HOLD_CODE:
                sideFrom = accounts[k];
                sideTo = tos[k];
                break;
            case OpType.DEPOSIT_CODE:
                sideFrom = LedgerState.SYSTEM_ACCOUNT;
                sideTo = accounts[k];
                break;
            case OpType.WITHDRAW_CODE:
                sideFrom = accounts[k];
                sideTo = LedgerState.SYSTEM_ACCOUNT;
                break;
            case OpType.OPEN_CODE:
                hasSideFrom = false;
                sideTo = accounts[k];
                break;
            case OpType.POST_CODE:
            case OpType.VOID_CODE:
                hasSideFrom = holdFrom[k] != FeedEntry.NONE; // hold accounts come from the state: never -1
                hasSideTo = hasSideFrom;
                sideFrom = holdFrom[k];
                sideTo = holdTo[k];
                break;
            default:
                hasSideFrom = false; // TICK
                hasSideTo = false;
        }
    }

    private void capture(final long account, final int at)
    {
        if (account != FeedEntry.NONE && state.peekAccount(account, fields))
        {
            captured[at] = fields[LedgerState.BALANCE];
            captured[at + 1] = fields[LedgerState.DEBITS_PENDING];
            captured[at + 2] = fields[LedgerState.CREDITS_PENDING];
        }
    }

    private void emit(final long txId, final byte result, final long timestamp, final long duplicateOf)
    {
        final int k = (int)(txId - pendingFirst);
        final FeedEntry e = entry;
        e.clear();
        e.txId = txId;
        e.timestamp = timestamp;
        e.op = types[k];
        e.result = result & 0xFF;
        e.flags = (flags[k] & 1) != 0 ? FeedEntry.LINKED : 0;
        final boolean keyed = (flags[k] & 2) != 0;
        if (keyed)
        {
            e.flags |= FeedEntry.KEYED;
            e.keyHi = keyHis[k];
            e.keyLo = keyLos[k];
        }
        e.duplicateOf = duplicateOf;
        final boolean ok = result == Result.OK.code();
        final int type = types[k];
        if (type == OpType.POST_CODE || type == OpType.VOID_CODE)
        {
            e.hold = accounts[k];
            if (holdFrom[k] == FeedEntry.NONE)
            {
                lookUpHold(k); // never evaluated (after a chain's failing member): the hold as the state has it now
            }
            // posted: as requested, or the whole hold for 0; voided: the hold's amount; rejected: as submitted
            e.amount = !ok ? amounts[k] : type == OpType.VOID_CODE || amounts[k] == 0 ? holdAmount[k] : amounts[k];
        }
        else if (type != OpType.TICK_CODE)
        {
            e.amount = amounts[k];
        }
        if (type == OpType.HOLD_CODE)
        {
            e.timeout = timeouts[k];
        }
        sides(k);
        if (hasSideFrom)
        {
            e.from(sideFrom);
        }
        if (hasSideTo)
        {
            e.to(sideTo);
        }
        if (ok && applied[k])
        {
            final int at = k * 8;
            putTouched(e, captured[at], at + 2);
            putTouched(e, captured[at + 1], at + 5);
        }
        if (k == 0)
        {
            for (int h = 0; h < expiries.expired; h++)
            {
                e.addExpired(expiries.expiredHold(h), expiries.expiredFrom(h), expiries.expiredTo(h),
                    expiries.expiredAmount(h));
            }
            for (int i = 0; i < expiries.touched; i++)
            {
                if (e.indexOfTouched(expiries.accounts[i]) < 0)
                {
                    final int t = e.touch(expiries.accounts[i]);
                    e.balances[t] = expiries.balances[i];
                    e.debitsPending[t] = expiries.debitsPending[i];
                    e.creditsPending[t] = expiries.creditsPending[i];
                }
            }
            expiries.expired = 0;
            expiries.touched = 0;
        }
        if (txId <= startAfter)
        {
            return; // a member of the chain a crash cut short: the feed holds it already, heads included
        }
        for (int i = 0; i < e.touched; i++)
        {
            e.previous[i] = heads.get(e.accounts[i]);
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            e.writeTo(dc.wire().bytes());
        }
        for (int i = 0; i < e.touched; i++)
        {
            heads.put(e.accounts[i], txId);
        }
        heads.through(txId);
    }

    private void putTouched(final FeedEntry e, final long account, final int at)
    {
        if (account == FeedEntry.NONE)
        {
            return;
        }
        final int t = e.touch(account);
        e.balances[t] = captured[at];
        e.debitsPending[t] = captured[at + 1];
        e.creditsPending[t] = captured[at + 2];
    }

    @Override
    public void onClose()
    {
        try
        {
            // a clean close leaves the feed at the commit index, so the next open has nothing to catch up
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (!stopped && replayer != null && tailer.nextTxId() <= ctx.commitIndex.get()
                && System.nanoTime() - deadline < 0)
            {
                doWork();
            }
            if (tailer != null)
            {
                tailer.close();
            }
        }
        catch (final IOException e)
        {
            ctx.onFailure.accept(e);
        }
        finally
        {
            appender.close();
            queue.close();
            heads.close();
        }
    }
}
