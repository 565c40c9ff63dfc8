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
        final Gen gen = new Gen(new SplittableRandom(seed));
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
        state.endChain(failed < 0);
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

    /** Random operations aimed at every precedence step. */
    static final class Gen
    {
        final SplittableRandom random;
        final List<Long> holdIds = new ArrayList<>();
        final List<PaymentModel.Op> keyed = new ArrayList<>();

        Gen(final SplittableRandom random)
        {
            this.random = random;
        }

        void remember(final List<PaymentModel.Op> ops, final int[] results, final long firstTxId)
        {
            for (int i = 0; i < ops.size(); i++)
            {
                if (ops.get(i).type() == PaymentModel.HOLD || random.nextInt(20) == 0)
                {
                    holdIds.add(firstTxId + i);
                }
                if (ops.get(i).keyed())
                {
                    keyed.add(ops.get(i));
                }
            }
            if (holdIds.size() > 60)
            {
                holdIds.subList(0, 30).clear();
            }
            if (keyed.size() > 60)
            {
                keyed.subList(0, 30).clear();
            }
        }

        PaymentModel.Op next(final long txId)
        {
            if (!keyed.isEmpty() && random.nextInt(6) == 0)
            {
                final PaymentModel.Op old = keyed.get(keyed.size() - 1 - random.nextInt(Math.min(4, keyed.size())));
                if (random.nextBoolean())
                {
                    return old; // an exact retry
                }
                return new PaymentModel.Op(old.type() == PaymentModel.VOID ? PaymentModel.POST : old.type(), old.a(),
                    old.b(), old.amount() + 1, old.timeout(), true, old.keyHi(), old.keyLo());
            }
            final int kind = random.nextInt(100);
            final int type = kind < 8 ? PaymentModel.OPEN : kind < 25 ? PaymentModel.DEPOSIT : kind < 35 ? PaymentModel.WITHDRAW
                : kind < 55 ? PaymentModel.TRANSFER : kind < 72 ? PaymentModel.HOLD : kind < 86 ? PaymentModel.POST
                : kind < 97 ? PaymentModel.VOID : PaymentModel.TICK;
            final boolean keyedOp = type != PaymentModel.OPEN && type != PaymentModel.TICK && random.nextInt(3) == 0;
            final long hi = random.nextInt(4) == 0 ? random.nextLong() : 0;
            final long lo = 1 + random.nextInt(40);
            switch (type)
            {
                case PaymentModel.OPEN:
                    return new PaymentModel.Op(type, account(), 0, overdraft(), 0, false, 0, 0);
                case PaymentModel.POST:
                    return new PaymentModel.Op(type, holdId(txId), 0, postAmount(), 0, keyedOp, hi, lo);
                case PaymentModel.VOID:
                    return new PaymentModel.Op(type, holdId(txId), 0, 0, 0, keyedOp, hi, lo);
                case PaymentModel.TICK:
                    return new PaymentModel.Op(type, 0, 0, 0, 0, false, 0, 0);
                default:
                {
                    final long a = account();
                    final long b = random.nextInt(15) == 0 ? a : account();
                    final boolean two = type == PaymentModel.TRANSFER || type == PaymentModel.HOLD;
                    final int timeout = type == PaymentModel.HOLD && random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0;
                    return new PaymentModel.Op(type, a, two ? b : 0, amount(), timeout, keyedOp, hi, lo);
                }
            }
        }

        long holdId(final long txId)
        {
            switch (random.nextInt(10))
            {
                case 0: return txId + random.nextInt(3);         // itself or the future
                case 1: return random.nextInt(3) - 1;             // 0, -1, 1
                default: return holdIds.isEmpty() ? txId - 1 : holdIds.get(random.nextInt(holdIds.size()));
            }
        }

        long account()
        {
            switch (random.nextInt(40))
            {
                case 0: return 0;
                case 1: return -1 - random.nextInt(3);
                case 2: return Long.MAX_VALUE;
                default: return 1 + random.nextInt(14);
            }
        }

        long overdraft()
        {
            switch (random.nextInt(6))
            {
                case 0: return MAX;
                case 1: return MAX - random.nextInt(100);
                case 2: return random.nextInt(1000);
                default: return 0;
            }
        }

        long amount()
        {
            switch (random.nextInt(30))
            {
                case 0: return 0;
                case 1: return -random.nextInt(1000);
                case 2: return Long.MIN_VALUE;
                case 3: return MAX;
                case 4: return MAX - random.nextInt(1000);
                case 5: return MAX / 2 + random.nextInt(1000);
                default: return 1 + random.nextInt(10_000);
            }
        }

        long postAmount()
        {
            switch (random.nextInt(10))
            {
                case 0: return -1 - random.nextInt(5);
                case 1: return MAX;
                case 2: return 1 + random.nextInt(5000);
                default: return 0;
            }
        }
    }
}
