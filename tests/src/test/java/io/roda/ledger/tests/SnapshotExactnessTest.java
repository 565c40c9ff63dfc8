package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.roda.core.LedgerState;
import io.roda.core.Replayer;
import io.roda.ledger.ChainBuilder;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.testkit.PaymentModel;
import io.roda.testkit.PaymentWorkload;
import io.roda.wal.WalReader;
import io.roda.wal.WalRecord;

/**
 * Issue 10 (written by the outside attack on it, kept as a specification): the snapshotter no longer replays, it
 * writes a copy the transactor syncs between batches. Every snapshot written while the ledger runs (chains that
 * fail and roll back, opens in failed chains, holds that expire, keys evicted from a small window, batches, four
 * concurrent submitters, a slow WAL) must be EXACTLY the state a full replay of the WAL reaches at the snapshot's
 * transaction, and that transaction a chain boundary. Every snapshot is kept and checked, not only the newest.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnapshotExactnessTest
{
    private static final int ACCOUNTS = 10;
    private static final int HOLDS = 6;
    private static final int WINDOW = 5;

    @TempDir
    Path dir;

    private record Rec(long txId, long timestamp, int type, int flags, int timeout, long account, long to, long amount,
        long keyHi, long keyLo, int result)
    {
    }

    @ParameterizedTest
    @CsvSource({"1,1", "7,2", "50,3", "3,4"})
    void everySnapshotIsTheReplayedStateAtItsTransaction(final long every, final long seed) throws Exception
    {
        final PaymentPipelineModelTest.ManualClock clock = new PaymentPipelineModelTest.ManualClock();
        final PaymentWorkload gen = new PaymentWorkload(new SplittableRandom(seed), ACCOUNTS + 2);
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(ACCOUNTS).maxHolds(HOLDS)
            .idempotencyWindow(WINDOW).clock(clock).snapshotEveryTx(every).retainSnapshots(1000)
            .walSegmentSize(64 * 1024 * 1024).maxBatch(16).build();
        try (Ledger ledger = Ledger.open(config))
        {
            final ChainBuilder batch = ledger.batchBuilder();
            long guess = 1;
            for (int step = 0; step < 3_000; step++)
            {
                final long last = submitStep(ledger, gen, batch, guess, 8);
                guess = last + 1;
                if (gen.random.nextInt(20) == 0)
                {
                    clock.now.addAndGet(gen.random.nextLong(4_000_000_000L));
                    if (gen.random.nextBoolean())
                    {
                        ledger.await(last, Level.COMPUTED, Duration.ofSeconds(30));
                        Thread.sleep(2);
                    }
                }
                if (gen.random.nextInt(300) == 0)
                {
                    assertTrue(ledger.await(last, Level.SNAPSHOTTED, Duration.ofSeconds(30)));
                }
            }
        }
        verifyEverySnapshot(dir, ACCOUNTS, HOLDS, WINDOW);
    }

    @ParameterizedTest
    @CsvSource({"1,11,0", "5,12,5000", "2,13,20000"})
    void concurrentSubmittersSlowWal(final long every, final long seed, final long forceMicros) throws Exception
    {
        final PaymentPipelineModelTest.ManualClock clock = new PaymentPipelineModelTest.ManualClock();
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(ACCOUNTS).maxHolds(HOLDS)
            .idempotencyWindow(WINDOW).clock(clock).snapshotEveryTx(every).retainSnapshots(1000)
            .walForceIntervalMicros(forceMicros).walSegmentSize(64 * 1024 * 1024).maxBatch(8).build();
        try (Ledger ledger = Ledger.open(config))
        {
            final List<Thread> threads = new ArrayList<>();
            final java.util.concurrent.atomic.AtomicReference<Throwable> error = new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < 4; t++)
            {
                final int th = t;
                threads.add(new Thread(() ->
                {
                    try
                    {
                        final PaymentWorkload gen = new PaymentWorkload(new SplittableRandom(seed * 31 + th), ACCOUNTS + 2);
                        final ChainBuilder batch = ledger.batchBuilder();
                        long guess = 1;
                        for (int step = 0; step < 1_500; step++)
                        {
                            final long last = submitStep(ledger, gen, batch, guess, 6);
                            guess = last + 1;
                            if (th == 0 && gen.random.nextInt(20) == 0)
                            {
                                clock.now.addAndGet(gen.random.nextLong(4_000_000_000L));
                            }
                            if (gen.random.nextInt(200) == 0)
                            {
                                if (!ledger.await(last, Level.SNAPSHOTTED, Duration.ofSeconds(30)))
                                {
                                    throw new AssertionError("snapshot await timed out");
                                }
                            }
                        }
                    }
                    catch (final Throwable e)
                    {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread t : threads)
            {
                t.join();
            }
            if (error.get() != null)
            {
                throw new AssertionError(error.get());
            }
        }
        verifyEverySnapshot(dir, ACCOUNTS, HOLDS, WINDOW);
    }

    /**
     * Submits one random step: a single operation, a chain (kind 0), or a group of 2..9 (kind 1) as a batch or,
     * when {@code kinds} is above 6 or a coin says so, through submitAll. Ticks are left to the ledger.
     *
     * @return the id of the last operation submitted.
     */
    private static long submitStep(final Ledger ledger, final PaymentWorkload gen, final ChainBuilder batch,
        final long guess, final int kinds)
    {
        final int kind = gen.random.nextInt(kinds);
        final int length = kind == 0 ? 2 + gen.random.nextInt(5) : kind == 1 ? 2 + gen.random.nextInt(8) : 1;
        final List<PaymentModel.Op> ops = new ArrayList<>();
        for (int i = 0; i < length; i++)
        {
            PaymentModel.Op op = gen.next(guess + i);
            while (op.type() == PaymentModel.TICK)
            {
                op = gen.next(guess + i);
            }
            ops.add(op);
        }
        final long first;
        if (length == 1)
        {
            first = ledger.submit(PaymentPipelineModelTest.toOperation(ops.get(0)));
        }
        else if (kind == 0)
        {
            first = ledger.submitChain(ops.stream().map(PaymentPipelineModelTest::toOperation).toArray(Operation[]::new));
        }
        else if (kinds <= 6 && gen.random.nextBoolean())
        {
            first = ledger.submitAll(ops.stream().map(PaymentPipelineModelTest::toOperation).toList())[0];
        }
        else
        {
            for (final PaymentModel.Op op : ops)
            {
                batch.add(PaymentPipelineModelTest.toOperation(op));
            }
            first = batch.submit();
        }
        gen.remember(ops, new int[length], first);
        return first + length - 1;
    }

    static void verifyEverySnapshot(final Path dir, final long accounts, final int holds, final int window)
        throws Exception
    {
        final LedgerState.Limits limits = new LedgerState.Limits(accounts, holds, window, LedgerConfig.MAX_CHAIN);
        final List<Rec> wal = new ArrayList<>();
        WalReader.scan(dir.resolve("wal"), 1, 0, (WalRecord r, Path segment, long offset) ->
            wal.add(new Rec(r.txId, r.timestamp, r.type, r.flags, r.timeout, r.account, r.toAccount, r.amount, r.keyHi,
                r.keyLo, r.result)));
        final TreeMap<Long, Path> snapshots = new TreeMap<>();
        for (final Path file : SnapshotFiles.list(dir.resolve("snapshots")))
        {
            snapshots.put(SnapshotFiles.txIdOf(file), file);
        }
        assertTrue(snapshots.size() >= 1, "snapshots were taken: " + snapshots.size());
        final LedgerState reference = new LedgerState(limits);
        final Replayer replayer = new Replayer(reference);
        int at = 0;
        int checked = 0;
        for (final var e : snapshots.entrySet())
        {
            final long t = e.getKey();
            while (at < wal.size() && wal.get(at).txId() <= t)
            {
                final Rec r = wal.get(at++);
                replayer.accept(r.txId(), r.timestamp(), r.type(), r.flags(), r.timeout(), r.account(), r.to(), r.amount(),
                    r.keyHi(), r.keyLo(), r.result(), null);
            }
            assertTrue(!replayer.midChain(), "snapshot " + t + " is at a chain boundary");
            final LedgerState loaded = new LedgerState(limits);
            SnapshotFiles.load(e.getValue(), loaded);
            assertEquals(dump(reference), dump(loaded), "snapshot at tx " + t + " (" + e.getValue().getFileName() + ")");
            checked++;
        }
        assertTrue(checked > 0);
        System.out.println("snapshot exactness: checked " + checked + " snapshots over " + wal.size() + " records");
    }

    static String dump(final LedgerState s)
    {
        final TreeMap<Long, String> accounts = new TreeMap<>();
        s.forEachAccount((account, balance, dp, cp, od, lastTx) ->
            accounts.put(account, balance + "/" + dp + "/" + cp + "/" + od + "/" + lastTx));
        final TreeMap<Long, String> active = new TreeMap<>();
        final StringBuilder finished = new StringBuilder();
        s.holds().forEach((id, from, to, amount, expiresAt, status) ->
        {
            final String h = id + ":" + from + ">" + to + " " + amount + " exp " + expiresAt + " st " + status;
            if (status == io.roda.core.Holds.ACTIVE)
            {
                active.put(id, h);
            }
            else
            {
                finished.append(h).append('\n');
            }
        });
        final StringBuilder keys = new StringBuilder();
        s.keys().forEach((hi, lo, id, type, timeout, f1, f2, f3) ->
            keys.append(hi).append(':').append(lo).append("->").append(id).append(' ').append(type).append(' ')
                .append(timeout).append(' ').append(f1).append(' ').append(f2).append(' ').append(f3).append('\n'));
        return "time " + s.lastTimestamp() + "\naccounts " + accounts + "\nactive " + active + "\nfinished\n" + finished
            + "keys\n" + keys;
    }
}
