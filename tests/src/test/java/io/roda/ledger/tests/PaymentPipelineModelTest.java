package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.LedgerClock;
import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.TransactionStatus;
import io.roda.testkit.PaymentModel;
import io.roda.testkit.PaymentWorkload;

/**
 * The whole pipeline (submission ring, sequencer, transactor, WAL, snapshotter, recovery) against the
 * independent {@link PaymentModel}: random single operations and linked chains with keys, holds, posts and
 * voids, under a clock the test controls and moves by seconds so that holds expire, on their own (the
 * sequencer's TICKs, which get ids of their own) or before later transactions. The model is then fed the
 * same transactions in id order, at the timestamps the ledger recorded, and must agree on every result, the
 * original id of every DUPLICATE, every account's balance and pending sums, and every remembered key; after
 * a reopen (snapshot + WAL) too, and keyed retries after the reopen must be recognised.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PaymentPipelineModelTest
{
    private static final long T0 = 1_800_000_000_000_000_000L;
    private static final int ACCOUNTS = 12;
    private static final int HOLDS = 24;
    private static final int WINDOW = 16;

    @TempDir
    Path dir;

    /** One submission: a single operation or a chain, and the id of its first member. */
    private record Submitted(long firstId, List<PaymentModel.Op> ops)
    {
    }

    static final class ManualClock implements LedgerClock
    {
        final AtomicLong now = new AtomicLong(T0);

        @Override
        public long nanos()
        {
            return now.get();
        }
    }

    private LedgerConfig config(final ManualClock clock)
    {
        return LedgerConfig.builder(dir).maxAccounts(ACCOUNTS).maxHolds(HOLDS).idempotencyWindow(WINDOW).clock(clock)
            .snapshotEveryTx(700).walSegmentSize(128 * 1024).maxBatch(256).build();
    }

    static Operation toOperation(final PaymentModel.Op op)
    {
        return new Operation(OpType.fromCode(op.type()), op.a(), op.b(), op.amount(), op.timeout(), op.keyed(),
            op.keyHi(), op.keyLo());
    }

    @Test
    void paymentsThroughThePipelineAgreeWithTheModelBeforeAndAfterReopen() throws Exception
    {
        final ManualClock clock = new ManualClock();
        final PaymentWorkload gen = new PaymentWorkload(new SplittableRandom(99), ACCOUNTS + 2);
        final TreeMap<Long, Submitted> submitted = new TreeMap<>();
        final PaymentModel model = new PaymentModel(ACCOUNTS, HOLDS, WINDOW);
        final Set<Result> seen = EnumSet.noneOf(Result.class);
        final long last;
        try (Ledger ledger = Ledger.open(config(clock)))
        {
            long guess = 1;
            for (int step = 0; step < 6_000; step++)
            {
                final int length = gen.random.nextInt(6) == 0 ? 2 + gen.random.nextInt(5) : 1;
                final List<PaymentModel.Op> ops = new ArrayList<>();
                for (int i = 0; i < length; i++)
                {
                    PaymentModel.Op op = gen.next(guess + i);
                    while (op.type() == PaymentModel.TICK)
                    {
                        op = gen.next(guess + i); // internal: not submittable
                    }
                    ops.add(op);
                }
                final long first;
                if (length == 1)
                {
                    first = ledger.submit(toOperation(ops.get(0)));
                }
                else
                {
                    first = ledger.submitChain(ops.stream().map(PaymentPipelineModelTest::toOperation).toArray(Operation[]::new));
                }
                submitted.put(first, new Submitted(first, ops));
                gen.remember(ops, new int[length], first);
                guess = first + length;
                if (gen.random.nextInt(25) == 0)
                {
                    // let time pass: due holds expire, on a TICK if the ledger is idle long enough to send one
                    clock.now.addAndGet(gen.random.nextLong(4_000_000_000L));
                    if (gen.random.nextBoolean())
                    {
                        ledger.await(first + length - 1, Level.COMPUTED, Duration.ofSeconds(30));
                        Thread.sleep(5);
                    }
                }
            }
            clock.now.addAndGet(5_000_000_000L); // every timed hold is due: a TICK releases them (HoldExpiryTest)
            Thread.sleep(200);
            last = ledger.lastTxId();
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(60)));
            replayIntoModel(ledger, submitted, model, last, seen);
            assertSameAccounts(model, ledger, "live");
        }
        // every step of every precedence list is reached by core's PaymentRulesModelTest; here the pipeline must
        // at least carry keys, chains, holds and expiry end to end
        assertTrue(seen.containsAll(EnumSet.of(Result.DUPLICATE, Result.KEY_REUSED, Result.HOLD_NOT_FOUND,
            Result.HOLD_EXPIRED, Result.LINKED_EVENT_FAILED, Result.OVERFLOW, Result.INSUFFICIENT_FUNDS)),
            "the workload reaches the payment results: " + seen);

        try (Ledger reopened = Ledger.open(LedgerConfig.builder(dir).clock(clock).build()))
        {
            assertEquals(last, reopened.recoveryReport().lastTxId());
            assertSameAccounts(model, reopened, "after reopen");
            assertEquals(WINDOW, reopened.config().idempotencyWindow(), "the stored window is adopted");
            // every key the model remembers is remembered by the reopened ledger, and a retry is recognised
            int retried = 0;
            for (final Submitted s : submitted.values())
            {
                for (int i = 0; i < s.ops().size(); i++)
                {
                    final PaymentModel.Op op = s.ops().get(i);
                    if (!op.keyed())
                    {
                        continue;
                    }
                    final long consumer = model.transactionForKey(op.keyHi(), op.keyLo());
                    assertEquals(consumer, reopened.transactionForKey(op.keyHi(), op.keyLo()).orElse(0),
                        "key " + op.keyHi() + ":" + op.keyLo());
                    if (consumer == s.firstId() + i && retried < 10)
                    {
                        final long id = reopened.submit(toOperation(op));
                        assertTrue(reopened.await(id, Level.COMMITTED, Duration.ofSeconds(30)));
                        final TransactionStatus status = reopened.status(id);
                        assertEquals(Result.DUPLICATE, status.result(), "an exact retry after a restart");
                        assertEquals(consumer, status.duplicateOf());
                        retried++;
                    }
                }
            }
            assertTrue(retried > 0, "some keys were retried");
        }
    }

    /** Feeds the model the ledger's transactions in id order, at their recorded timestamps, checking each result. */
    private static void replayIntoModel(final Ledger ledger, final TreeMap<Long, Submitted> submitted,
        final PaymentModel model, final long last, final Set<Result> seen)
    {
        long id = 1;
        while (id <= last)
        {
            final Submitted s = submitted.get(id);
            final List<PaymentModel.Op> ops = s != null ? s.ops()
                : List.of(new PaymentModel.Op(PaymentModel.TICK, 0, 0, 0, 0, false, 0, 0));
            final long[] stamps = new long[ops.size()];
            for (int i = 0; i < ops.size(); i++)
            {
                stamps[i] = ledger.status(id + i).timestamp();
                assertTrue(stamps[i] >= T0, "tx " + (id + i) + " has a timestamp from the ledger clock");
            }
            final long[] dup = new long[ops.size()];
            final int[] expected = model.apply(ops, id, stamps, dup);
            for (int i = 0; i < ops.size(); i++)
            {
                final TransactionStatus status = ledger.status(id + i);
                assertEquals(Result.fromCode(expected[i]), status.result(), "tx " + (id + i) + " " + ops.get(i)
                    + (s == null ? " (a TICK)" : ops.size() > 1 ? " member " + i + " of a chain of " + ops.size() : ""));
                assertEquals(dup[i], status.duplicateOf(), "duplicate-of of tx " + (id + i));
                seen.add(status.result());
            }
            id += ops.size();
        }
    }

    private static void assertSameAccounts(final PaymentModel model, final Ledger ledger, final String when)
    {
        final TreeMap<Long, List<BigInteger>> actual = new TreeMap<>();
        ledger.forEachAccount((account, balance, dp, cp, od, lastTx) -> actual.put(account,
            List.of(BigInteger.valueOf(balance), BigInteger.valueOf(dp), BigInteger.valueOf(cp), BigInteger.valueOf(od))));
        assertEquals(model.accounts(), actual, "accounts, " + when);
        final Set<Long> ids = new TreeSet<>(actual.keySet());
        assertTrue(ids.contains(0L));
    }
}
