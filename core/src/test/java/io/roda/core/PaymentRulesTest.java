package io.roda.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-picked cases of docs/SEMANTICS.md that a random workload reaches rarely or not at all. */
class PaymentRulesTest
{
    private static final long MAX = Long.MAX_VALUE;
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final LedgerState state = new LedgerState(new LedgerState.Limits(100, 100, 100, 64));
    private long txId;
    private long now = T0;

    private Result one(final OpType type, final long a, final long b, final long amount)
    {
        return one(type, a, b, amount, 0);
    }

    private Result one(final OpType type, final long a, final long b, final long amount, final int timeout)
    {
        return Result.fromCode(state.applyOne(++txId, ++now, type.code(), a, b, amount, timeout, false, 0, 0));
    }

    private Result keyed(final OpType type, final long a, final long b, final long amount, final long key)
    {
        return Result.fromCode(state.applyOne(++txId, ++now, type.code(), a, b, amount, 0, true, 0, key));
    }

    private long[] account(final long id)
    {
        final long[] fields = new long[LedgerState.FIELDS];
        assertTrue(state.readBalance(id, fields), "account " + id + " is open");
        return fields;
    }

    @Test
    void postOverflowsOnlyOnTheToBalance()
    {
        assertEquals(Result.OK, one(OpType.OPEN, 1, 0, MAX));
        assertEquals(Result.OK, one(OpType.OPEN, 2, 0, 0));
        assertEquals(Result.OK, one(OpType.DEPOSIT, 2, 0, MAX));
        assertEquals(Result.OK, one(OpType.HOLD, 1, 2, 5));
        final long hold = txId;
        assertEquals(Result.OVERFLOW, one(OpType.POST, hold, 0, 1));
        assertEquals(Result.OK, one(OpType.WITHDRAW, 2, 0, 10));
        assertEquals(Result.OK, one(OpType.POST, hold, 0, 0));
        assertEquals(MAX - 10 + 5, account(2)[LedgerState.BALANCE]);
        assertEquals(-5, account(1)[LedgerState.BALANCE]);
        assertEquals(0, account(1)[LedgerState.DEBITS_PENDING]);
        assertNull(state.checkInvariants());
    }

    @Test
    void availableIsComputedExactlyAtTheExtremes()
    {
        assertEquals(Result.OK, one(OpType.OPEN, 1, 0, MAX));
        assertEquals(Result.OK, one(OpType.OPEN, 2, 0, 0));
        assertEquals(Result.OK, one(OpType.OPEN, 3, 0, 0));
        // overdraft MAX: available MAX; holding MAX leaves 0, then -MAX balance with MAX pending is below any amount
        assertEquals(Result.OK, one(OpType.HOLD, 1, 2, MAX));
        assertEquals(Result.INSUFFICIENT_FUNDS, one(OpType.TRANSFER, 1, 3, 1));
        assertEquals(Result.OK, one(OpType.POST, txId - 1, 0, 0));
        assertEquals(-MAX, account(1)[LedgerState.BALANCE]);
        assertEquals(Result.INSUFFICIENT_FUNDS, one(OpType.WITHDRAW, 1, 0, 1));
        // the system balance can now only go down by MAX - 0 ... a withdraw of MAX from 2 overflows it? no: it is 0
        assertEquals(Result.OK, one(OpType.WITHDRAW, 2, 0, MAX));
        assertEquals(MAX, state.systemBalance());
        assertEquals(Result.OK, one(OpType.OPEN, 4, 0, 1));
        assertEquals(Result.OVERFLOW, one(OpType.WITHDRAW, 4, 0, 1), "the system balance would pass 2^63-1");
        assertEquals(Result.OK, one(OpType.HOLD, 4, 3, 1));
        assertEquals(Result.OK, one(OpType.OPEN, 5, 0, MAX));
        assertEquals(Result.OVERFLOW, one(OpType.HOLD, 5, 3, MAX), "3's credits pending would pass 2^63-1");
        assertNull(state.checkInvariants());
    }

    @Test
    void postAndVoidPrecedence()
    {
        assertEquals(Result.OK, one(OpType.OPEN, 1, 0, 0));
        assertEquals(Result.OK, one(OpType.OPEN, 2, 0, 0));
        assertEquals(Result.OK, one(OpType.DEPOSIT, 1, 0, 100));
        final long transfer = txId;
        assertEquals(Result.HOLD_NOT_FOUND, one(OpType.POST, transfer, 0, -1), "a deposit is not a hold");
        assertEquals(Result.HOLD_NOT_FOUND, one(OpType.POST, txId + 50, 0, 0), "an id in the future");
        assertEquals(Result.INSUFFICIENT_FUNDS, one(OpType.HOLD, 1, 2, 101));
        assertEquals(Result.HOLD_NOT_FOUND, one(OpType.VOID, txId, 0, 0), "a rejected hold does not exist");
        assertEquals(Result.OK, one(OpType.HOLD, 1, 2, 60, 5));
        final long hold = txId;
        assertEquals(Result.INSUFFICIENT_FUNDS, one(OpType.WITHDRAW, 1, 0, 41), "60 of 100 are held");
        assertEquals(Result.INVALID_AMOUNT, one(OpType.POST, hold, 0, 61));
        assertEquals(Result.INVALID_AMOUNT, one(OpType.POST, hold, 0, -1));
        assertEquals(Result.OK, one(OpType.POST, hold, 0, 25));
        assertEquals(Result.HOLD_ALREADY_POSTED, one(OpType.POST, hold, 0, -1), "finished beats INVALID_AMOUNT");
        assertEquals(Result.HOLD_ALREADY_POSTED, one(OpType.VOID, hold, 0, 0));
        assertEquals(75, account(1)[LedgerState.BALANCE]);
        assertEquals(25, account(2)[LedgerState.BALANCE]);
        assertEquals(0, account(2)[LedgerState.CREDITS_PENDING]);
        assertEquals(Result.OK, one(OpType.HOLD, 1, 2, 10));
        assertEquals(Result.OK, one(OpType.VOID, txId, 0, 0));
        assertEquals(Result.HOLD_ALREADY_VOIDED, one(OpType.POST, txId - 1, 0, 0));
        assertNull(state.checkInvariants());
    }

    @Test
    void holdsExpireAtTheirTimeAndNotBefore()
    {
        assertEquals(Result.OK, one(OpType.OPEN, 1, 0, 0));
        assertEquals(Result.OK, one(OpType.OPEN, 2, 0, 0));
        assertEquals(Result.OK, one(OpType.DEPOSIT, 1, 0, 100));
        assertEquals(Result.OK, one(OpType.HOLD, 1, 2, 70, 2));
        final long hold = txId;
        final long due = now + 2 * SECOND;
        assertEquals(due, state.nextExpiry());
        now = due - 2;
        assertEquals(Result.OK, one(OpType.TICK, 0, 0, 0)); // at due - 1: not yet
        assertEquals(70, account(1)[LedgerState.DEBITS_PENDING]);
        assertEquals(Result.OK, one(OpType.TICK, 0, 0, 0)); // at due: expires
        assertEquals(0, account(1)[LedgerState.DEBITS_PENDING]);
        assertEquals(0, account(2)[LedgerState.CREDITS_PENDING]);
        assertEquals(Long.MAX_VALUE, state.nextExpiry());
        assertEquals(Result.HOLD_EXPIRED, one(OpType.POST, hold, 0, 0));
        assertEquals(Result.HOLD_EXPIRED, one(OpType.VOID, hold, 0, 0));
        assertEquals(Result.OK, one(OpType.WITHDRAW, 1, 0, 100), "the expired hold no longer reserves funds");
    }

    @Test
    void aChainFailingAtEachPositionLeavesNothingBehind()
    {
        assertEquals(Result.OK, one(OpType.OPEN, 1, 0, 0));
        assertEquals(Result.OK, one(OpType.DEPOSIT, 1, 0, 1000));
        final long hash = state.stateHash();
        final int length = 6;
        for (int failAt = 0; failAt < length; failAt++)
        {
            final long first = txId + 1;
            state.beginChain(now + 1);
            int failed = -1;
            for (int i = 0; i < length && failed < 0; i++)
            {
                final long id = first + i;
                final byte r;
                if (i == failAt)
                {
                    r = state.apply(id, ++now, OpType.TRANSFER_CODE, 1, 1, 5, 0, false, 0, 0); // SAME_ACCOUNT
                }
                else
                {
                    switch (i)
                    {
                        case 0: r = state.apply(id, ++now, OpType.OPEN_CODE, 7, 0, 50, 0, false, 0, 0); break;
                        case 1: r = state.apply(id, ++now, OpType.HOLD_CODE, 1, 7, 300, 0, true, 9, 9); break;
                        case 2: r = state.apply(id, ++now, OpType.DEPOSIT_CODE, 1, 0, 11, 0, true, 9, 10); break;
                        case 3: r = state.apply(id, ++now, OpType.TRANSFER_CODE, 1, 7, 100, 0, false, 0, 0); break;
                        default: r = state.apply(id, ++now, OpType.WITHDRAW_CODE, 1, 0, 1, 0, true, 9, 11 + i); break;
                    }
                }
                if (r != 0)
                {
                    failed = i;
                }
            }
            assertEquals(failAt, failed, "the members before the failing one succeed");
            state.endChain(false, now);
            txId = first + length - 1;
            assertEquals(hash, state.stateHash(), "nothing of a chain failing at " + failAt + " applied");
            assertFalse(state.readBalance(7, new long[LedgerState.FIELDS]), "its open did not happen");
            assertEquals(0, state.transactionForKey(9, 9), "its keys are not consumed");
            assertEquals(-1, state.holds().find(first + 1), "its hold does not exist");
            assertNull(state.checkInvariants());
        }
        // the same chain without the failing member applies whole
        final long first = txId + 1;
        state.beginChain(now + 1);
        assertEquals(0, state.apply(first, ++now, OpType.OPEN_CODE, 7, 0, 50, 0, false, 0, 0));
        assertEquals(0, state.apply(first + 1, ++now, OpType.HOLD_CODE, 1, 7, 300, 0, true, 9, 9));
        assertEquals(0, state.apply(first + 2, ++now, OpType.POST_CODE, first + 1, 0, 0, 0, false, 0, 0),
            "a post may name a hold made earlier in the chain");
        assertEquals(Result.DUPLICATE.code(), state.apply(first + 3, ++now, OpType.HOLD_CODE, 1, 7, 300, 0, true, 9, 9),
            "a key consumed earlier in the chain counts as consumed");
        assertEquals(first + 1, state.duplicateOf());
        state.endChain(false, now);
        assertEquals(hash, state.stateHash());
    }

    @Test
    void keysAreRememberedForTheWindowAndADuplicateNamesTheOriginal()
    {
        final LedgerState small = new LedgerState(new LedgerState.Limits(10, 10, 3, 8));
        long id = 0;
        long t = T0;
        assertEquals(0, small.applyOne(++id, ++t, OpType.OPEN_CODE, 1, 0, 0, 0, false, 0, 0));
        for (int k = 1; k <= 4; k++)
        {
            assertEquals(0, small.applyOne(++id, ++t, OpType.DEPOSIT_CODE, 1, 0, 10, 0, true, 0, k));
        }
        assertEquals(0, small.transactionForKey(0, 1), "key 1 fell out of a window of 3");
        assertEquals(3, small.transactionForKey(0, 2));
        assertEquals(Result.DUPLICATE.code(), small.applyOne(++id, ++t, OpType.DEPOSIT_CODE, 1, 0, 10, 0, true, 0, 2));
        assertEquals(3, small.duplicateOf());
        assertEquals(Result.KEY_REUSED.code(), small.applyOne(++id, ++t, OpType.DEPOSIT_CODE, 1, 0, 11, 0, true, 0, 2));
        assertEquals(3, small.duplicateOf());
        assertEquals(Result.ACCOUNT_NOT_FOUND.code(), small.applyOne(++id, ++t, OpType.DEPOSIT_CODE, 9, 0, 10, 0, true, 0, 77));
        assertEquals(0, small.transactionForKey(0, 77), "a rejected operation does not consume its key");
        assertEquals(0, small.applyOne(++id, ++t, OpType.DEPOSIT_CODE, 1, 0, 10, 0, true, 0, 77), "so it can be retried");
        assertEquals(0, small.applyOne(++id, ++t, OpType.DEPOSIT_CODE, 1, 0, 10, 0, true, 0, 1), "a forgotten key is new");
    }

    @Test
    void timestampsMustIncrease()
    {
        assertEquals(0, state.applyOne(1, T0, OpType.OPEN_CODE, 1, 0, 0, 0, false, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> state.applyOne(2, T0, OpType.OPEN_CODE, 2, 0, 0, 0, false, 0, 0));
    }

    @Test
    void holdCapacityCountsActiveHoldsAndForgetsTheOldestFinished()
    {
        final LedgerState small = new LedgerState(new LedgerState.Limits(10, 2, 10, 8));
        long id = 0;
        long t = T0;
        small.applyOne(++id, ++t, OpType.OPEN_CODE, 1, 0, 1000, 0, false, 0, 0);
        small.applyOne(++id, ++t, OpType.OPEN_CODE, 2, 0, 0, 0, false, 0, 0);
        assertEquals(0, small.applyOne(++id, ++t, OpType.HOLD_CODE, 1, 2, 1, 0, false, 0, 0));
        final long firstHold = id;
        assertEquals(0, small.applyOne(++id, ++t, OpType.HOLD_CODE, 1, 2, 1, 0, false, 0, 0));
        assertEquals(Result.CAPACITY_EXCEEDED.code(), small.applyOne(++id, ++t, OpType.HOLD_CODE, 1, 2, 1, 0, false, 0, 0));
        assertEquals(0, small.applyOne(++id, ++t, OpType.VOID_CODE, firstHold, 0, 0, 0, false, 0, 0));
        assertEquals(Result.HOLD_ALREADY_VOIDED.code(), small.applyOne(++id, ++t, OpType.VOID_CODE, firstHold, 0, 0, 0, false, 0, 0));
        assertEquals(0, small.applyOne(++id, ++t, OpType.HOLD_CODE, 1, 2, 1, 0, false, 0, 0), "room again");
        assertEquals(Result.HOLD_NOT_FOUND.code(), small.applyOne(++id, ++t, OpType.VOID_CODE, firstHold, 0, 0, 0, false, 0, 0),
            "the oldest finished hold was forgotten to make room");
    }
}
