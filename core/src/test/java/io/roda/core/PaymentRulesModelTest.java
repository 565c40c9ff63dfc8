package io.roda.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.roda.testkit.PaymentModel;
import io.roda.testkit.PaymentWorkload;

/**
 * {@link LedgerState} against the independent {@link PaymentModel}: random single operations and chains
 * (keys from a small space so that they collide, holds with timeouts, posts and voids of recent holds,
 * values near 2^63-1, time jumps past expiries); every member's result, every account, every remembered
 * hold and every key must agree after every step. A state rebuilt from the live one's contents (as a
 * snapshot restores it) must then continue identically.
 */
class PaymentRulesModelTest
{
    private static final long MAX = Long.MAX_VALUE;

    /** Precedence steps the random workload must reach: type to results. */
    private static final Map<Integer, Set<Integer>> MUST_REACH = Map.of(
        PaymentModel.OPEN, Set.of(0, 1, 4, 8, 15),
        PaymentModel.DEPOSIT, Set.of(0, 1, 3, 5, 7, 9, 10, 15),
        PaymentModel.WITHDRAW, Set.of(0, 1, 3, 5, 6, 7, 9, 10, 15),
        PaymentModel.TRANSFER, Set.of(0, 1, 2, 3, 5, 6, 7, 9, 10, 15),
        PaymentModel.HOLD, Set.of(0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 15),
        PaymentModel.POST, Set.of(0, 3, 9, 10, 11, 12, 13, 14, 15), // OVERFLOW: postOverflowsOnlyOnTheToBalance
        PaymentModel.VOID, Set.of(0, 9, 10, 11, 12, 13, 14, 15));

    @Test
    void randomOperationsAndChainsAgreeWithTheModelAndReachEveryPrecedenceStep()
    {
        final Map<Integer, Set<Integer>> reached = new HashMap<>();
        for (long seed = 1; seed <= 8; seed++)
        {
            runSeed(seed, 6_000, reached);
        }
        MUST_REACH.forEach((type, results) ->
        {
            final Set<Integer> missing = new TreeSet<>(results);
            missing.removeAll(reached.getOrDefault(type, Set.of()));
            assertTrue(missing.isEmpty(), "operation type " + type + " never produced results " + missing + "; reached " + reached);
        });
    }

    private static void runSeed(final long seed, final int steps, final Map<Integer, Set<Integer>> reached)
    {
        final int maxAccounts = 12;
        final int maxHolds = 24;
        final int window = 16;
        final LedgerState.Limits limits = new LedgerState.Limits(maxAccounts, maxHolds, window, 64);
        final LedgerState state = new LedgerState(limits);
        final PaymentModel model = new PaymentModel(maxAccounts, maxHolds, window);
        final PaymentWorkload gen = new PaymentWorkload(new SplittableRandom(seed), 14);
        long txId = 1;
        long now = 1_700_000_000_000_000_000L;
        LedgerState live = state;
        for (int step = 0; step < steps; step++)
        {
            final int length = gen.random.nextInt(6) == 0 ? 2 + gen.random.nextInt(gen.random.nextInt(8) == 0 ? 40 : 5) : 1;
            final List<PaymentModel.Op> ops = new ArrayList<>();
            for (int i = 0; i < length; i++)
            {
                ops.add(gen.next(txId + i));
            }
            final long[] stamps = new long[length];
            now += gen.random.nextInt(10) == 0 ? gen.random.nextLong(3_000_000_000L) : 1 + gen.random.nextInt(1000);
            for (int i = 0; i < length; i++)
            {
                stamps[i] = now + i;
            }
            now += length;
            final long[] expectedDup = new long[length];
            final int[] expected = model.apply(ops, txId, stamps, expectedDup);
            final int[] actual = new int[length];
            final long[] actualDup = new long[length];
            applyReal(live, ops, txId, stamps, actual, actualDup);
            for (int i = 0; i < length; i++)
            {
                final String where = "seed " + seed + " step " + step + " tx " + (txId + i) + " " + ops.get(i)
                    + (length > 1 ? " (member " + i + " of a chain of " + length + ")" : "");
                assertEquals(expected[i], actual[i], where);
                assertEquals(expectedDup[i], actualDup[i], "duplicate-of, " + where);
                reached.computeIfAbsent(ops.get(i).type(), k -> new TreeSet<>()).add(actual[i]);
            }
            txId += length;
            assertSameState(model, live, "seed " + seed + " after step " + step);
            if (step % 1500 == 1499)
            {
                live = rebuilt(live, limits); // as a snapshot would restore it
                assertSameState(model, live, "seed " + seed + " rebuilt at step " + step);
            }
            gen.remember(ops, actual, txId - length);
        }
    }

    static void applyReal(final LedgerState state, final List<PaymentModel.Op> ops, final long firstTxId,
        final long[] stamps, final int[] results, final long[] duplicateOf)
    {
        if (ops.size() == 1)
        {
            final PaymentModel.Op op = ops.get(0);
            results[0] = state.applyOne(firstTxId, stamps[0], op.type(), op.a(), op.b(), op.amount(), op.timeout(),
                op.keyed(), op.keyHi(), op.keyLo());
            duplicateOf[0] = state.duplicateOf();
            return;
        }
        state.beginChain(stamps[0]);
        int failed = -1;
        for (int i = 0; i < ops.size(); i++)
        {
            final PaymentModel.Op op = ops.get(i);
            results[i] = state.apply(firstTxId + i, stamps[i], op.type(), op.a(), op.b(), op.amount(), op.timeout(),
                op.keyed(), op.keyHi(), op.keyLo());
            duplicateOf[i] = state.duplicateOf();
            if (results[i] != 0)
            {
                failed = i;
                break;
            }
        }
        state.endChain(failed < 0, stamps[ops.size() - 1]);
        if (failed >= 0)
        {
            for (int i = 0; i < ops.size(); i++)
            {
                if (i != failed)
                {
                    results[i] = Result.LINKED_EVENT_FAILED.code();
                    duplicateOf[i] = 0;
                }
            }
        }
    }

    static void assertSameState(final PaymentModel model, final LedgerState state, final String where)
    {
        final TreeMap<Long, List<BigInteger>> actual = new TreeMap<>();
        state.forEachAccount((account, balance, dp, cp, od, lastTx) -> actual.put(account,
            List.of(BigInteger.valueOf(balance), BigInteger.valueOf(dp), BigInteger.valueOf(cp), BigInteger.valueOf(od))));
        assertEquals(model.accounts(), actual, "accounts, " + where);
        final Map<Long, Integer> holds = new HashMap<>();
        state.holds().forEach((txId, from, to, amount, expiresAt, status) -> holds.put(txId, (int)status));
        assertEquals(model.holdStates(), holds, "holds, " + where);
        state.keys().forEach((hi, lo, txId, type, timeout, f1, f2, f3) ->
            assertEquals(model.transactionForKey(hi, lo), txId, "key " + hi + ":" + lo + ", " + where));
        assertEquals(model.lastTimestamp(), state.lastTimestamp(), "ledger time, " + where);
        assertNull(state.checkInvariants(), where);
    }

    /** A fresh state filled from another's contents, the way a snapshot restores one. */
    static LedgerState rebuilt(final LedgerState from, final LedgerState.Limits limits)
    {
        final LedgerState to = new LedgerState(limits);
        from.forEachAccount(to::restore);
        from.holds().forEach((txId, f, t, amount, expiresAt, status) ->
        {
            if (status == Holds.ACTIVE)
            {
                to.holds().add(txId, f, t, amount, expiresAt);
            }
            else
            {
                to.holds().restoreFinished(txId, f, t, amount, expiresAt, status);
            }
        });
        from.keys().forEach(to.keys()::consume);
        to.restoreTimestamp(from.lastTimestamp());
        assertEquals(from.stateHash(), to.stateHash(), "a rebuilt state hashes equal");
        return to;
    }
}
