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

    /**
     * Issue 10: the snapshotter's copy of the state is kept exact by syncing only what changed. Synced at random
     * points between operations (never inside a chain), the copy must equal the live state in every field the
     * snapshot holds, and then behave exactly like it: the same operations give the same results and states.
     */
    @Test
    void anImageSyncedAtRandomPointsIsAnExactCopyThatBehavesTheSame()
    {
        for (long seed = 1; seed <= 6; seed++)
        {
            final int maxAccounts = 12;
            final LedgerState.Limits limits = new LedgerState.Limits(maxAccounts, 24, 16, 64);
            final LedgerState live = new LedgerState(limits);
            final PaymentModel model = new PaymentModel(maxAccounts, 24, 16);
            final PaymentWorkload gen = new PaymentWorkload(new SplittableRandom(seed), 14);
            long txId = 1;
            long now = 1_700_000_000_000_000_000L;
            // the image starts from a state with history, as it does after recovery
            for (int step = 0; step < 300; step++)
            {
                txId = step(live, model, gen, txId, now += 1_000, null);
            }
            final LedgerState image = new LedgerState(limits);
            live.beginImage(image);
            assertSameContents(live, image, "seed " + seed + " at the start");
            int syncs = 0;
            for (int step = 0; step < 4_000; step++)
            {
                // past the longest chain's stamps (41), sometimes past many holds' timeouts
                now += 64 + (gen.random.nextInt(10) == 0 ? gen.random.nextLong(3_000_000_000L) : gen.random.nextInt(1000));
                txId = step(live, model, gen, txId, now, null);
                if (gen.random.nextInt(gen.random.nextBoolean() ? 3 : 60) == 0)
                {
                    live.syncTo(image);
                    syncs++;
                    assertSameContents(live, image, "seed " + seed + " sync " + syncs + " after step " + step);
                    assertSameState(model, image, "seed " + seed + " image after step " + step);
                }
            }
            live.syncTo(image);
            assertSameContents(live, image, "seed " + seed + " final sync");
            // from here both must behave the same: the copy is a real state, not only a picture of one
            for (int step = 0; step < 500; step++)
            {
                final int length = gen.random.nextInt(6) == 0 ? 2 + gen.random.nextInt(5) : 1;
                final List<PaymentModel.Op> ops = new ArrayList<>();
                for (int i = 0; i < length; i++)
                {
                    ops.add(gen.next(txId + i));
                }
                final long[] stamps = new long[length];
                now += 64 + gen.random.nextInt(gen.random.nextInt(20) == 0 ? 2_000_000_000 : 1000);
                for (int i = 0; i < length; i++)
                {
                    stamps[i] = now + i;
                }
                now += length;
                final int[] a = new int[length];
                final int[] b = new int[length];
                applyReal(live, ops, txId, stamps, a, new long[length]);
                applyReal(image, ops, txId, stamps, b, new long[length]);
                assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), "seed " + seed + " step " + step);
                gen.remember(ops, a, txId);
                txId += length;
            }
            assertSameContents(live, image, "seed " + seed + " after running both");
        }
    }

    /**
     * The same, with hold tables and key windows that grow while the copy follows (they start at 256 holds and
     * 1,024 keys), and with syncs rare enough that many entries change between two of them.
     */
    @Test
    void anImageStaysExactWhileTheTablesGrow()
    {
        final LedgerState.Limits limits = new LedgerState.Limits(2_000, 6_000, 5_000, 64);
        final LedgerState live = new LedgerState(limits);
        final LedgerState image = new LedgerState(limits);
        final SplittableRandom random = new SplittableRandom(42);
        long txId = 1;
        long now = 1_700_000_000_000_000_000L;
        for (int a = 1; a <= 2_000; a++)
        {
            live.applyOne(txId++, now++, OpType.OPEN_CODE, a, 0, 0, 0, false, 0, 0);
            live.applyOne(txId++, now++, OpType.DEPOSIT_CODE, a, 0, 1_000_000, 0, false, 0, 0);
        }
        live.beginImage(image);
        final List<Long> holdIds = new ArrayList<>();
        for (int step = 0; step < 40_000; step++)
        {
            final long from = 1 + random.nextInt(2_000);
            final long to = 1 + (from + random.nextInt(1_999)) % 2_000;
            now += 1 + random.nextInt(random.nextInt(200) == 0 ? 50_000_000 : 1_000);
            final int kind = random.nextInt(10);
            if (kind < 5)
            {
                live.applyOne(txId, now, OpType.TRANSFER_CODE, from, to, 1 + random.nextInt(50), 0, true,
                    random.nextLong(), random.nextLong() | 1);
            }
            else if (kind < 7)
            {
                if (live.applyOne(txId, now, OpType.HOLD_CODE, from, to, 1 + random.nextInt(50),
                    random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(5), false, 0, 0) == 0)
                {
                    holdIds.add(txId);
                }
            }
            else if (kind < 9 && !holdIds.isEmpty())
            {
                final long hold = holdIds.remove(random.nextInt(holdIds.size()));
                live.applyOne(txId, now, random.nextBoolean() ? OpType.POST_CODE : OpType.VOID_CODE, hold, 0,
                    1 + random.nextInt(50), 0, false, 0, 0);
            }
            else
            {
                live.applyOne(txId, now, OpType.TRANSFER_CODE, from, to, 1 + random.nextInt(50), 0, false, 0, 0);
            }
            txId++;
            if (random.nextInt(step < 12_000 ? 400 : 3_000) == 0) // often while the tables grow, rarely after
            {
                if (random.nextBoolean())
                {
                    live.reserveImage(image); // what the snapshotter does on its own thread before it asks
                }
                live.syncTo(image);
                assertSameContents(live, image, "sync after step " + step);
            }
        }
        live.syncTo(image);
        assertSameContents(live, image, "final sync");
        assertTrue(live.holds().size() > 1_000 && live.keys().size() > 1_024, "the tables grew: holds "
            + live.holds().size() + ", keys " + live.keys().size());
        for (int step = 0; step < 3_000; step++)
        {
            final long from = 1 + random.nextInt(2_000);
            now += 1 + random.nextInt(1_000_000);
            final long hi = random.nextLong();
            final long lo = random.nextLong() | 1;
            final int type = random.nextBoolean() ? OpType.TRANSFER_CODE : OpType.HOLD_CODE;
            final byte a = live.applyOne(txId, now, type, from, 1 + from % 2_000, 7, 2, true, hi, lo);
            final byte b = image.applyOne(txId, now, type, from, 1 + from % 2_000, 7, 2, true, hi, lo);
            assertEquals(a, b, "step " + step);
            txId++;
        }
        assertSameContents(live, image, "after running both");
    }

    /** One random operation or chain applied to the state and the model, results checked; @return the next id. */
    private static long step(final LedgerState live, final PaymentModel model, final PaymentWorkload gen,
        final long txId, final long now, final Map<Integer, Set<Integer>> reached)
    {
        final int length = gen.random.nextInt(6) == 0 ? 2 + gen.random.nextInt(gen.random.nextInt(8) == 0 ? 40 : 5) : 1;
        final List<PaymentModel.Op> ops = new ArrayList<>();
        for (int i = 0; i < length; i++)
        {
            ops.add(gen.next(txId + i));
        }
        final long[] stamps = new long[length];
        for (int i = 0; i < length; i++)
        {
            stamps[i] = now + i;
        }
        final long[] expectedDup = new long[length];
        final int[] expected = model.apply(ops, txId, stamps, expectedDup);
        final int[] actual = new int[length];
        applyReal(live, ops, txId, stamps, actual, new long[length]);
        for (int i = 0; i < length; i++)
        {
            assertEquals(expected[i], actual[i], "tx " + (txId + i) + " " + ops.get(i));
        }
        gen.remember(ops, actual, txId);
        return txId + length;
    }

    /** Every field a snapshot holds, in the order a snapshot writes it. */
    private static void assertSameContents(final LedgerState expected, final LedgerState actual, final String where)
    {
        assertEquals(contents(expected), contents(actual), where);
        assertEquals(expected.holds().layout(), actual.holds().layout(), "hold table layout, " + where);
        assertEquals(expected.stateHash(), actual.stateHash(), "hash, " + where);
        assertEquals(expected.nextExpiry(), actual.nextExpiry(), "next expiry, " + where);
        assertEquals(expected.accountCount(), actual.accountCount(), "account count, " + where);
    }

    private static String contents(final LedgerState state)
    {
        final StringBuilder out = new StringBuilder();
        final TreeMap<Long, String> accounts = new TreeMap<>();
        state.forEachAccount((account, balance, dp, cp, od, lastTx) -> accounts.put(account,
            balance + "/" + dp + "/" + cp + "/" + od + "/" + lastTx));
        out.append(accounts).append('\n');
        state.holds().forEach((txId, from, to, amount, expiresAt, status) -> out.append(txId).append(':').append(from)
            .append('>').append(to).append('=').append(amount).append('@').append(expiresAt).append('#').append(status).append(' '));
        out.append('\n');
        state.keys().forEach((hi, lo, txId, type, timeout, f1, f2, f3) -> out.append(hi).append('.').append(lo).append('=')
            .append(txId).append('/').append(type).append('/').append(timeout).append('/').append(f1).append('/')
            .append(f2).append('/').append(f3).append(' '));
        out.append('\n').append(state.lastTimestamp());
        return out.toString();
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
