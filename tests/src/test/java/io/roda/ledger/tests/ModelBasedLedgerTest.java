package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;

/** The real ledger against {@link ReferenceLedger}: every result, and every balance, must agree. */
class ModelBasedLedgerTest
{
    @TempDir
    Path dir;

    static TreeMap<Long, Long> balancesOf(final Ledger ledger)
    {
        final TreeMap<Long, Long> all = new TreeMap<>();
        ledger.forEachAccount((account, balance, dp, cp, od, lastTx) -> all.put(account, balance));
        return all;
    }

    @Test
    void randomOperationsAgreeWithTheReferenceAndSurviveReopen() throws Exception
    {
        final int maxAccounts = 60;
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(maxAccounts).snapshotEveryTx(7_000)
            .walSegmentSize(256 * 1024).maxBatch(1024).build();
        final ReferenceLedger model = new ReferenceLedger(maxAccounts);
        final RandomOps ops = new RandomOps(42, 80);
        final Set<Result> seen = EnumSet.noneOf(Result.class);
        final int count = 40_000;
        final long[] ids = new long[count];
        final Result[] expected = new Result[count];
        try (Ledger ledger = Ledger.open(config))
        {
            for (int i = 0; i < count; i++)
            {
                final Operation op = ops.next();
                ids[i] = ledger.submit(op);
                expected[i] = model.apply(op.type(), op.account(), op.toAccount(), op.amount());
                assertEquals(i + 1, ids[i], "ids are consecutive from 1");
            }
            assertTrue(ledger.await(ids[count - 1], Level.COMMITTED, Duration.ofSeconds(60)));
            for (int i = 0; i < count; i++)
            {
                final Result actual = ledger.status(ids[i]).result();
                assertEquals(expected[i], actual, "result of tx " + ids[i]);
                seen.add(actual);
            }
            assertEquals(model.balances(), balancesOf(ledger));
            assertEquals(0, balancesOf(ledger).values().stream().mapToLong(Long::longValue).sum());
        }
        assertEquals(EnumSet.range(Result.OK, Result.CAPACITY_EXCEEDED), seen,
            "the workload of the four original operations reaches every result code they can produce");

        try (Ledger reopened = Ledger.open(config))
        {
            assertEquals(count, reopened.recoveryReport().lastTxId());
            assertEquals(model.balances(), balancesOf(reopened));
            final long next = reopened.deposit(1, 1);
            assertEquals(count + 1, next, "ids continue after the recovered ones");
        }
    }

    @Test
    void boundaryAmountsNearLongMaxOverflowExactly() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            final long a = ledger.deposit(1, Long.MAX_VALUE);
            final long b = ledger.deposit(2, 1);
            final long c = ledger.withdraw(1, 1);
            final long d = ledger.deposit(2, 1);
            final long e = ledger.transfer(1, 2, Long.MAX_VALUE - 1);
            ledger.await(e, Level.COMMITTED, Duration.ofSeconds(10));
            assertEquals(Result.OK, ledger.status(a).result());
            assertEquals(Result.OVERFLOW, ledger.status(b).result(), "total would pass 2^63-1");
            assertEquals(Result.OK, ledger.status(c).result());
            assertEquals(Result.OK, ledger.status(d).result(), "total is exactly 2^63-1 again");
            assertEquals(Result.OK, ledger.status(e).result());
            final Map<Long, Long> balances = balancesOf(ledger);
            assertEquals(0L, balances.get(1L));
            assertEquals(Long.MAX_VALUE, balances.get(2L));
            assertEquals(-Long.MAX_VALUE, balances.get(0L));
        }
    }
}
