package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/** Many threads submit at once: ids unique and dense, nothing lost, zero-sum holds, money conserved. */
class ConcurrentSubmittersTest
{
    @TempDir
    Path dir;

    @Test
    void manySubmittersKeepIdsDenseAndMoneyConserved() throws Exception
    {
        final int accounts = 100;
        final int threads = 8;
        final int perThread = 25_000;
        final long[][] ids = new long[threads][perThread];
        final LedgerConfig config = LedgerConfig.builder(dir).snapshotEveryTx(50_000).walSegmentSize(1 << 20)
            .maxBatch(4096).build();
        long last;
        try (Ledger ledger = Ledger.open(config))
        {
            for (int a = 1; a <= accounts; a++)
            {
                ledger.openAccount(a);
                ledger.deposit(a, 1_000_000);
            }
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int me = t;
                workers[t] = new Thread(() ->
                {
                    final SplittableRandom random = new SplittableRandom(me);
                    for (int i = 0; i < perThread; i++)
                    {
                        final long from = 1 + random.nextInt(accounts);
                        final long to = 1 + random.nextInt(accounts);
                        ids[me][i] = ledger.transfer(from, to, 1 + random.nextInt(5_000));
                    }
                });
                workers[t].start();
            }
            for (final Thread w : workers)
            {
                w.join();
            }
            last = ledger.lastTxId();
            assertEquals(2L * accounts + (long)threads * perThread, last);
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(60)));
            final BitSet seen = new BitSet();
            for (final long[] mine : ids)
            {
                long previous = 0;
                for (final long id : mine)
                {
                    assertTrue(id > previous, "a thread's ids increase");
                    previous = id;
                    assertTrue(!seen.get((int)id), "id " + id + " handed out twice");
                    seen.set((int)id);
                    final Result r = ledger.status(id).result();
                    assertTrue(r == Result.OK || r == Result.INSUFFICIENT_FUNDS || r == Result.SAME_ACCOUNT, r::toString);
                }
            }
            assertEquals(threads * perThread, seen.cardinality());
            assertEquals(2 * accounts + 1, seen.nextSetBit(0), "transfer ids follow the setup ids densely");
            final long[] sum = new long[2];
            ledger.forEachAccount((account, balance, dp, cp, od, lastTx) ->
            {
                sum[0] += balance;
                if (account != 0)
                {
                    sum[1] += balance;
                }
            });
            assertEquals(0, sum[0], "zero-sum");
            assertEquals(accounts * 1_000_000L, sum[1], "transfers conserve money");
        }
        try (Ledger reopened = Ledger.open(config))
        {
            assertEquals(last, reopened.recoveryReport().lastTxId());
            assertTrue(reopened.recoveryReport().zeroSum());
        }
    }
}
