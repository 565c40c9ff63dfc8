package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.LedgerState;
import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.feed.FeedEntry;
import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Recovery;
import io.roda.testkit.PaymentModel;
import io.roda.wal.WalReader;
import io.roda.wal.WalRecord;

/**
 * Runs {@code ledger apply --feed} in a child JVM on an endless deterministic payment workload (transfers, holds,
 * posts, voids, keyed operations with exact retries, linked chains: {@link PaymentCrashWorkload}), kills it
 * with SIGKILL at a random moment, recovers, and checks: recovery ends at a chain boundary (never half a
 * chain); every transaction the child acknowledged as committed survived with the acknowledged result; the
 * state (balances and pending sums) equals the reference model after exactly {@code last_tx_id} operations;
 * the ledger's invariants hold (balances sum to zero, debits pending = credits pending = active holds); every
 * key the model remembers is remembered. Then resumes the workload and repeats.
 *
 * <p>The feed, checked each cycle for the part written since the last: the killed child never left an entry
 * beyond what recovery found durable; once a ledger is opened with the feed on (here, in the test JVM), the feed
 * catches up and holds exactly the ids 1..last, each equal to the WAL's record of it (operation, operands,
 * result, timestamp, flags, key), each account's entries linked in order, and the newest entry of every account
 * shows its recovered balance and pending sums. Meanwhile a second child, {@code ledger feed --follow}, started
 * when the first writer created the feed, follows it across every kill and restart; at the end its output
 * equals, byte for byte, a fresh {@code ledger feed}: ids 1..last with no gap and no repeat.
 *
 * <p>Cycles: {@code -Droda.crashCycles} (3 by default; the {@code crash-loop} Maven profile runs 500).
 */
class KillNineCrashTest
{
    private static final int ACCOUNTS = 500;
    private static final int CHUNK = 400_000;
    // not the default: each cycle's open in the test JVM leaves it out and adopts the stored value (which once
    // turned the feed off: FeedDroppedWithStoredSettingsRegressionTest); a small state also keeps every open cheap
    private static final long MAX_ACCOUNTS = 1 << 12;
    private static final int REMEMBERED = 2048;
    private static final long CATCH_UP_SECONDS = 60;

    @TempDir
    Path tmp;

    @Test
    void acknowledgedCommitsSurviveKillNine() throws Exception
    {
        final int cycles = Integer.getInteger("roda.crashCycles", 3);
        final PaymentCrashWorkload workload = new PaymentCrashWorkload(7, ACCOUNTS);
        // a small window and hold table: keys and finished holds are forgotten (and active holds hit capacity)
        // within a few cycles, and the model's chain evaluation (a deep copy) stays cheap
        final PaymentModel model = new PaymentModel(MAX_ACCOUNTS, REMEMBERED, REMEMBERED);
        final List<Result> modelResults = new ArrayList<>();
        modelResults.add(null); // ids are 1-based
        final Path data = tmp.resolve("ledger");
        final SplittableRandom random = new SplittableRandom(cycles);
        final FeedCheck feed = new FeedCheck(data, workload::linked);
        long recovered = 0;
        long totalAcked = 0;
        FeedFollower follower = null;
        try
        {
            for (int cycle = 0; cycle < cycles; cycle++)
            {
                final Path input = tmp.resolve("input.csv");
                workload.write(input, recovered + 1, recovered + CHUNK);
                assertTrue(recovered == 0 || !workload.linked(recovered), "runs resume at a chain boundary");
                final Process child = Cli.builder("apply", "--data", data.toString(), "--input", input.toString(),
                        "--idempotency-window", String.valueOf(REMEMBERED), "--max-holds", String.valueOf(REMEMBERED),
                        "--feed", "--max-accounts", String.valueOf(MAX_ACCOUNTS))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                feed.writerStarted("apply child of cycle " + cycle);
                final List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
                final Thread reader = new Thread(() -> readCompleteLines(child.getInputStream(), acked));
                try
                {
                    reader.start();
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (acked.isEmpty() && child.isAlive() && System.nanoTime() < deadline)
                    {
                        follower = follower == null ? FeedFollower.startWhenFeedExists(data, tmp) : follower;
                        Thread.sleep(5);
                    }
                    // kill at a random moment while it applies
                    final long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextInt(1000));
                    while (System.nanoTime() < killAt)
                    {
                        follower = follower == null ? FeedFollower.startWhenFeedExists(data, tmp) : follower;
                        Thread.sleep(Math.max(0, Math.min(5, TimeUnit.NANOSECONDS.toMillis(killAt - System.nanoTime()))));
                    }
                }
                finally
                {
                    child.destroyForcibly(); // SIGKILL; also when this test is interrupted by its timeout
                }
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                reader.join();

                final List<WalEntry> wal = new ArrayList<>();
                final long checked = feed.checkedThrough();
                final Recovery.Recovered after = Recovery.recover(data, MAX_ACCOUNTS, null,
                    (record, segment, offset) -> collect(record, checked, wal));
                final long last = after.report().lastTxId();
                assertTrue(last >= recovered, "recovery never goes backwards: " + last + " < " + recovered);
                assertTrue(!workload.linked(last), "cycle " + cycle + ": recovery ends at tx " + last
                    + ", inside a linked chain");
                while (modelResults.size() <= last)
                {
                    final long first = modelResults.size();
                    final long end = workload.chainEnd(first);
                    final List<PaymentModel.Op> ops = new ArrayList<>();
                    final long[] stamps = new long[(int)(end - first + 1)];
                    for (long i = first; i <= end; i++)
                    {
                        ops.add(workload.op(i));
                        stamps[(int)(i - first)] = i; // no timeouts in this workload: time only has to increase
                    }
                    for (final int r : model.apply(ops, first, stamps, new long[ops.size()]))
                    {
                        modelResults.add(Result.fromCode(r));
                    }
                }
                for (final String line : new ArrayList<>(acked))
                {
                    final int comma = line.indexOf(',');
                    final long id = Long.parseLong(line.substring(0, comma));
                    assertTrue(id <= last, "cycle " + cycle + ": tx " + id + " was acknowledged committed but recovery ends at " + last);
                    assertEquals(modelResults.get((int)id).name(), line.substring(comma + 1), "acknowledged result of tx " + id);
                }
                final TreeMap<Long, List<BigInteger>> actual = new TreeMap<>();
                after.state().forEachAccount((account, balance, dp, cp, od, lastTx) -> actual.put(account,
                    List.of(BigInteger.valueOf(balance), BigInteger.valueOf(dp), BigInteger.valueOf(cp), BigInteger.valueOf(od))));
                assertEquals(model.accounts(), actual, "cycle " + cycle + ": state after " + last + " transactions");
                assertTrue(after.report().zeroSum());
                assertEquals(null, after.state().checkInvariants(), "cycle " + cycle + ": invariants after recovery");
                for (long i = Math.max(2L * ACCOUNTS + 1, last - 300); i <= last; i++)
                {
                    final PaymentModel.Op op = workload.op(i);
                    if (op.keyed())
                    {
                        assertEquals(model.transactionForKey(op.keyHi(), op.keyLo()),
                            after.state().transactionForKey(op.keyHi(), op.keyLo()), "key of tx " + i + " after recovery");
                    }
                }

                if (wal.isEmpty() ? last > checked : wal.get(0).txId() != checked + 1)
                {
                    // recovery started from a snapshot above what the feed check has covered: read the WAL itself
                    wal.clear();
                    WalReader.scan(Recovery.walDirectory(data), checked + 1, 0, (record, segment, offset) ->
                        collect(record, checked, wal));
                }
                feed.afterKill(cycle, last, wal, after.state());
                follower = follower == null ? FeedFollower.startWhenFeedExists(data, tmp) : follower;
                if (follower != null)
                {
                    follower.awaitThrough(last, "cycle " + cycle);
                }
                totalAcked += acked.size();
                recovered = last;
            }
            assertTrue(follower != null, "the follower never started: " + data.resolve(FeedFollower.METADATA)
                + " does not exist");
            follower.stop();
            feed.checkFollowerOutput(follower, recovered);
        }
        finally
        {
            if (follower != null)
            {
                follower.process.destroyForcibly(); // also when an assertion or the timeout ended the test
            }
        }
        System.out.printf("crash test: %d cycles, %d transactions recovered, %d acknowledged lines checked; "
                + "feed: %d entries checked against the WAL, %d written by the killed children, %d kills left it inside "
                + "a chain; %.1f s catching up, %.1f s checking%n",
            cycles, recovered, totalAcked, feed.checkedThrough(), feed.writtenByChildren, feed.cutInsideChain,
            feed.catchUpNanos / 1e9, feed.checkNanos / 1e9);
        assertTrue(recovered > 2 * ACCOUNTS, "the workload made progress");
    }

    /** Keeps the WAL records after {@code checked}, the part of the feed this cycle checks. */
    private static void collect(final WalRecord record, final long checked, final List<WalEntry> into)
    {
        if (record.txId > checked)
        {
            into.add(new WalEntry(record.txId, record.type, record.result & 0xFF, record.linked(), record.keyed(),
                record.timestamp, record.account, record.toAccount, record.amount, record.timeout, record.keyHi,
                record.keyLo));
        }
    }

    /** A copy of one WAL record (the reader's view is reused). */
    private record WalEntry(long txId, int type, int result, boolean linked, boolean keyed, long timestamp,
        long account, long toAccount, long amount, int timeout, long keyHi, long keyLo)
    {
    }

    /** A process that wrote the feed: ids {@code from..to}, started at {@code startedAt} (nanoTime). */
    private record Writer(String name, long startedAt, long from, long to)
    {
    }

    /**
     * The feed checks of each cycle, which cover only the entries written since the previous cycle (so the
     * test stays linear in the number of cycles), and what they carry over: the newest entry of every account.
     */
    private static final class FeedCheck
    {
        private final Path data;
        private final java.util.function.LongPredicate linked;
        private final List<Writer> writers = new ArrayList<>();
        /** account -> {newest feed tx touching it, balance, debits pending, credits pending} after it. */
        private final Map<Long, long[]> newest = new HashMap<>();
        private long checkedThrough;
        private long writerStartedAt;
        private String writerName;
        long writtenByChildren;
        int cutInsideChain;
        long catchUpNanos;
        long checkNanos;

        /** @param linked whether a transaction is linked to the next one (a chain member that is not the last). */
        FeedCheck(final Path data, final java.util.function.LongPredicate linked)
        {
            this.data = data;
            this.linked = linked;
        }

        long checkedThrough()
        {
            return checkedThrough;
        }

        void writerStarted(final String name)
        {
            writerName = name;
            writerStartedAt = System.nanoTime();
        }

        /**
         * After a kill and recovery to {@code last}: checks what the killed writer left, catches the feed up by
         * opening the ledger with the feed on, then checks the new entries against {@code wal} (the WAL records
         * after {@link #checkedThrough}) and every account's newest entry against the recovered {@code state}.
         */
        void afterKill(final int cycle, final long last, final List<WalEntry> wal, final LedgerState state)
        {
            final String where = "cycle " + cycle + ": ";
            final long left = feedLast();
            assertTrue(left <= last, where + "the killed writer left feed entries up to " + left
                + " but recovery ends at " + last + ": the feed published transactions that were not durable");
            assertTrue(left >= checkedThrough, where + "the feed shrank from " + checkedThrough + " to " + left);
            writers.add(new Writer(writerName, writerStartedAt, checkedThrough + 1, left));
            writtenByChildren += left - checkedThrough;
            cutInsideChain += left > 0 && linked.test(left) ? 1 : 0; // the catch-up completes the chain

            long start = System.nanoTime();
            writerStarted("catch-up open of cycle " + cycle);
            try (Ledger ledger = Ledger.open(LedgerConfig.builder(data).feed(true).idempotencyWindow(REMEMBERED)
                .maxHolds(REMEMBERED).build()))
            {
                assertEquals(last, ledger.recoveryReport().lastTxId(), where + "the ledger's own recovery");
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CATCH_UP_SECONDS);
                while (ledger.feedIndex() < last)
                {
                    if (ledger.feedFailure() != null)
                    {
                        throw new AssertionError(where + "the feed stopped while catching up from " + left
                            + " (where the killed writer left it) to " + last, ledger.feedFailure());
                    }
                    if (System.nanoTime() > deadline)
                    {
                        fail(where + "the feed did not catch up from " + left + " to " + last + " in "
                            + CATCH_UP_SECONDS + " s; it is at " + ledger.feedIndex());
                    }
                    Thread.sleep(1);
                }
                assertEquals(last, ledger.feedIndex(), where + "feed index after catching up");
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            writers.add(new Writer(writerName, writerStartedAt, left + 1, last));
            catchUpNanos += System.nanoTime() - start;

            start = System.nanoTime();
            assertEquals(last - checkedThrough, wal.size(), where + "WAL records after " + checkedThrough);
            try (LedgerFeed feed = LedgerFeed.open(data))
            {
                assertEquals(last == 0 ? 0 : 1, feed.firstTxId(), where + "first feed entry (no retention)");
                assertEquals(last, feed.lastTxId(), where + "last feed entry after catching up");
                if (last > checkedThrough)
                {
                    checkEntries(where, feed, wal);
                }
                checkAccounts(where, feed, state);
            }
            checkedThrough = last;
            checkNanos += System.nanoTime() - start;
        }

        /** @return the feed's last entry, or 0 when there is no feed yet. */
        private long feedLast()
        {
            if (!Files.exists(data.resolve(FeedFollower.METADATA)))
            {
                return 0;
            }
            try (LedgerFeed feed = LedgerFeed.open(data))
            {
                return feed.lastTxId();
            }
        }

        private void checkEntries(final String where, final LedgerFeed feed, final List<WalEntry> wal)
        {
            final FeedEntry e = new FeedEntry();
            try (LedgerFeed.Tailer tailer = feed.tailer(checkedThrough + 1))
            {
                for (final WalEntry r : wal)
                {
                    final String tx = where + "feed entry " + r.txId() + " ";
                    // the tailer throws on a skipped or repeated id
                    assertTrue(tailer.next(e), tx + "is missing: the feed ends at " + (tailer.nextTxId() - 1));
                    assertEquals(r.txId(), e.txId(), tx + "id");
                    assertEquals(r.type(), e.opCode(), tx + "operation");
                    assertEquals(r.result(), e.resultCode(), tx + "result");
                    assertEquals(r.timestamp(), e.timestamp(), tx + "timestamp");
                    assertEquals(r.linked(), e.linked(), tx + "linked flag");
                    assertEquals(r.keyed(), e.keyed(), tx + "keyed flag");
                    assertEquals(r.keyHi(), e.keyHi(), tx + "key (high half)");
                    assertEquals(r.keyLo(), e.keyLo(), tx + "key (low half)");
                    checkOperands(tx, r, e);
                    assertEquals(0, e.expiredCount(), tx + "expired holds (the workload sets no timeouts)");
                    if (!e.ok())
                    {
                        assertEquals(0, e.touchedCount(), tx + "accounts touched by a rejected operation");
                    }
                    for (int i = 0; i < e.touchedCount(); i++)
                    {
                        final long account = e.touchedAccount(i);
                        final long[] previous = newest.get(account);
                        assertEquals(previous == null ? 0 : previous[0], e.previousTx(i),
                            tx + "link to the previous entry of account " + account);
                        newest.put(account, new long[] {e.txId(), e.balanceAfter(i), e.debitsPendingAfter(i),
                            e.creditsPendingAfter(i)});
                    }
                }
                assertTrue(!tailer.next(e), where + "the feed holds transaction " + e.txId() + " after "
                    + wal.get(wal.size() - 1).txId() + ", which the WAL ends at");
            }
        }

        private static void checkOperands(final String tx, final WalEntry r, final FeedEntry e)
        {
            switch (r.type())
            {
                case OpType.TRANSFER_CODE, OpType.HOLD_CODE ->
                {
                    assertEquals(r.account(), e.from(), tx + "from");
                    assertEquals(r.toAccount(), e.to(), tx + "to");
                    assertEquals(r.amount(), e.amount(), tx + "amount");
                    assertEquals(r.type() == OpType.HOLD_CODE ? r.timeout() : 0, e.timeout(), tx + "timeout");
                }
                case OpType.DEPOSIT_CODE ->
                {
                    assertEquals(LedgerState.SYSTEM_ACCOUNT, e.from(), tx + "from");
                    assertEquals(r.account(), e.to(), tx + "to");
                    assertEquals(r.amount(), e.amount(), tx + "amount");
                }
                case OpType.WITHDRAW_CODE ->
                {
                    assertEquals(r.account(), e.from(), tx + "from");
                    assertEquals(LedgerState.SYSTEM_ACCOUNT, e.to(), tx + "to");
                    assertEquals(r.amount(), e.amount(), tx + "amount");
                }
                case OpType.OPEN_CODE ->
                {
                    assertEquals(false, e.hasFrom(), tx + "has no from");
                    assertEquals(r.account(), e.to(), tx + "to");
                    assertEquals(r.amount(), e.amount(), tx + "overdraft");
                }
                case OpType.POST_CODE, OpType.VOID_CODE ->
                {
                    assertEquals(r.account(), e.hold(), tx + "hold");
                    if (r.type() == OpType.POST_CODE && r.amount() != 0)
                    {
                        assertEquals(r.amount(), e.amount(), tx + "amount posted");
                    }
                }
                default -> throw new AssertionError(tx + "has operation " + r.type() + ", not in this workload");
            }
        }

        /** Every account's newest feed entry (as the feed's heads find it) shows its recovered state. */
        private void checkAccounts(final String where, final LedgerFeed feed, final LedgerState state)
        {
            final int[] accounts = new int[1];
            state.forEachAccount((account, balance, dp, cp, od, lastTx) ->
            {
                accounts[0]++;
                final long[] expected = newest.getOrDefault(account, new long[] {0, 0, 0, 0});
                final String of = where + "account " + account + " ";
                assertEquals(List.of(balance, dp, cp), List.of(expected[1], expected[2], expected[3]),
                    of + "balance, debits and credits pending: recovered vs its newest feed entry " + expected[0]);
                final List<LedgerFeed.HistoryEntry> history = feed.history(account, 1, 0);
                assertEquals(expected[0] == 0 ? 0 : 1, history.size(), of + "history rows");
                if (expected[0] != 0)
                {
                    assertEquals(expected[0], history.get(0).txId(), of + "newest history row");
                    assertEquals(balance, history.get(0).balanceAfter(), of + "balance in its newest history row");
                }
            });
            assertEquals(newest.size(), accounts[0] - (newest.containsKey(LedgerState.SYSTEM_ACCOUNT) ? 0 : 1),
                where + "accounts the feed touched vs accounts recovered (the system account included)");
        }

        /**
         * The stopped follower printed ids 1..last, each once and in order (checked as it read), and its output
         * equals the start of a fresh {@code ledger feed}, byte for byte; it printed entries of several writers.
         */
        void checkFollowerOutput(final FeedFollower follower, final long last) throws IOException, InterruptedException
        {
            assertEquals(last, follower.lines, "lines the follower printed");
            final Path err = follower.out.resolveSibling("fresh-feed.err");
            final Process fresh = Cli.builder("feed", "--data", data.toString()).redirectError(err.toFile()).start();
            try (InputStream followed = new BufferedInputStream(Files.newInputStream(follower.out), 1 << 16);
                 InputStream printed = new BufferedInputStream(fresh.getInputStream(), 1 << 16))
            {
                // streamed, not held: a crash loop's feed runs to gigabytes of text
                long line = 1;
                for (long at = 0; at < follower.complete; at++)
                {
                    final int x = followed.read();
                    final int y = printed.read();
                    if (x != y)
                    {
                        assertEquals(y, x, "byte " + at + " (line " + line + ") of the follower's output vs a fresh "
                            + "ledger feed");
                    }
                    line += x == '\n' ? 1 : 0;
                }
                assertEquals(-1, printed.read(), "a fresh ledger feed prints more than the follower's " + last
                    + " lines");
                assertTrue(fresh.waitFor(120, TimeUnit.SECONDS), "ledger feed did not finish");
            }
            finally
            {
                fresh.destroyForcibly();
            }
            assertEquals(0, fresh.exitValue(), "ledger feed: " + Files.readString(err));
            int seen = 0;
            final StringBuilder names = new StringBuilder();
            for (final Writer w : writers)
            {
                if (w.startedAt() > follower.startedAt && w.from() <= Math.min(w.to(), follower.lines))
                {
                    seen++;
                    names.append(names.length() == 0 ? "" : ", ").append(w.name());
                }
            }
            assertTrue(seen >= 2, "the follower printed entries of " + seen + " writer(s) started after it (" + names
                + "): it never followed the feed across a kill and restart");
        }
    }

    /**
     * {@code ledger feed --data DIR --follow} in a child JVM, its output in a file that {@link #poll} reads on,
     * checking that each complete line carries the next id.
     */
    private static final class FeedFollower
    {
        static final Path METADATA = Path.of("feed", "metadata.cq4t");

        final Path out;
        final Path err;
        final Process process;
        final long startedAt;
        long lines;      // complete lines read
        long complete;   // bytes up to the end of the last complete line
        private long read;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        private FeedFollower(final Path out, final Path err, final Process process, final long startedAt)
        {
            this.out = out;
            this.err = err;
            this.process = process;
            this.startedAt = startedAt;
        }

        /** @return a follower of the feed of {@code data}, or null while the feed does not exist yet. */
        static FeedFollower startWhenFeedExists(final Path data, final Path tmp) throws IOException
        {
            if (!Files.exists(data.resolve(METADATA)))
            {
                return null;
            }
            final Path out = tmp.resolve("follower.csv");
            final Path err = tmp.resolve("follower.err");
            final long startedAt = System.nanoTime();
            final Process process = Cli.builder("feed", "--data", data.toString(), "--follow")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new FeedFollower(out, err, process, startedAt);
        }

        /** Waits until the follower has printed every id up to {@code last}. */
        void awaitThrough(final long last, final String where) throws IOException, InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CATCH_UP_SECONDS);
            while (poll() < last)
            {
                if (!process.isAlive())
                {
                    fail(where + ": the follower exited (" + process.exitValue() + ") after " + lines + " lines: "
                        + Files.readString(err));
                }
                if (System.nanoTime() > deadline)
                {
                    fail(where + ": the follower printed " + lines + " lines in " + CATCH_UP_SECONDS + " s, not "
                        + last + ": " + Files.readString(err));
                }
                Thread.sleep(5);
            }
            assertEquals(last, lines, where + ": the follower printed more lines than the feed holds");
        }

        /** Reads what the follower printed since the last call; @return the complete lines so far. */
        long poll() throws IOException
        {
            try (RandomAccessFile file = new RandomAccessFile(out.toFile(), "r"))
            {
                final byte[] buffer = new byte[1 << 16];
                file.seek(read);
                int n;
                while ((n = file.read(buffer)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (buffer[i] != '\n')
                        {
                            partial.write(buffer[i]);
                            continue;
                        }
                        final String line = partial.toString(StandardCharsets.US_ASCII);
                        partial.reset();
                        final int comma = line.indexOf(',');
                        assertEquals(lines + 1, Long.parseLong(comma < 0 ? line : line.substring(0, comma)),
                            "the follower's line " + (lines + 1) + ": " + line);
                        lines++;
                        complete = read + i + 1;
                    }
                    read += n;
                }
            }
            return lines;
        }

        /** Kills the follower (once it stopped, reads what it printed last). */
        void stop() throws IOException, InterruptedException
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the follower did not die");
                poll();
            }
        }
    }

    private static void readCompleteLines(final InputStream in, final List<String> lines)
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        try
        {
            final byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        lines.add(line.toString(StandardCharsets.US_ASCII));
                        line.reset();
                    }
                    else
                    {
                        line.write(buffer[i]);
                    }
                }
            }
        }
        catch (final IOException ignored)
        {
            // the child was killed
        }
        // a last line without its newline was cut by the kill and is not an acknowledgement
    }
}
