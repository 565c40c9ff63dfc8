package io.roda.ledger;

import java.util.UUID;

import io.roda.core.OpType;

/**
 * One ledger operation, for batch and chain submission. Account ids and amounts are not checked here: a bad
 * one is a recorded result ({@code INVALID_ACCOUNT}, {@code INVALID_AMOUNT}, ...), as the semantics require.
 * What no operation may carry is refused when it is built (see {@link #validate()}).
 *
 * @param type      what to do; never null, never TICK (internal).
 * @param account   the account; the from account of a transfer or hold; the hold's transaction id for post
 *                  and void.
 * @param toAccount the to account of a transfer or hold; 0 otherwise.
 * @param amount    the amount in minor units; the overdraft of an open; for post, 0 means the whole hold.
 * @param timeout   seconds until a hold expires, 0 (never) for every other operation.
 * @param keyed     whether the operation carries the idempotency key {@code (keyHi, keyLo)}.
 * @param keyHi     the key's high 64 bits.
 * @param keyLo     the key's low 64 bits.
 */
public record Operation(OpType type, long account, long toAccount, long amount, int timeout, boolean keyed, long keyHi,
    long keyLo)
{
    /** @throws IllegalArgumentException naming what is wrong, see {@link #validate()}. */
    public Operation
    {
        if (type == null)
        {
            throw new NullPointerException("operation type is null");
        }
        final String problem = problem(type, amount, timeout, keyed, keyHi, keyLo);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem);
        }
    }

    /** An operation without key or timeout. */
    public Operation(final OpType type, final long account, final long toAccount, final long amount)
    {
        this(type, account, toAccount, amount, 0, false, 0, 0);
    }

    /**
     * @return what makes these fields an operation no ledger accepts, or null: TICK (internal), a key on open,
     *     the key 0, a timeout on anything but hold, a negative timeout, a negative overdraft.
     */
    static String problem(final OpType type, final long amount, final int timeout, final boolean keyed,
        final long keyHi, final long keyLo)
    {
        if (type == OpType.TICK)
        {
            return "TICK is internal to the ledger and cannot be submitted";
        }
        if (keyed && type == OpType.OPEN)
        {
            return "open takes no idempotency key";
        }
        if (keyed && keyHi == 0 && keyLo == 0)
        {
            return "idempotency key 0 is not a key (keys are 1..2^128-1)";
        }
        if (timeout != 0 && type != OpType.HOLD)
        {
            return "only hold takes a timeout, not " + type.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (timeout < 0)
        {
            return "hold timeout must be in 0..2^31-1 seconds, was " + timeout;
        }
        if (type == OpType.OPEN && amount < 0)
        {
            return "overdraft must be in 0..2^63-1, was " + amount;
        }
        return null;
    }

    /** @return an open of {@code account}. */
    public static Operation open(final long account)
    {
        return new Operation(OpType.OPEN, account, 0, 0);
    }

    /** @return an open of {@code account} whose balance may go down to {@code -overdraft}. */
    public static Operation open(final long account, final long overdraft)
    {
        return new Operation(OpType.OPEN, account, 0, overdraft);
    }

    /** @return a deposit of {@code amount} into {@code account}. */
    public static Operation deposit(final long account, final long amount)
    {
        return new Operation(OpType.DEPOSIT, account, 0, amount);
    }

    /** @return a withdrawal of {@code amount} from {@code account}. */
    public static Operation withdraw(final long account, final long amount)
    {
        return new Operation(OpType.WITHDRAW, account, 0, amount);
    }

    /** @return a transfer of {@code amount} from {@code from} to {@code to}. */
    public static Operation transfer(final long from, final long to, final long amount)
    {
        return new Operation(OpType.TRANSFER, from, to, amount);
    }

    /** @return a hold of {@code amount} of {@code from}'s funds for {@code to}, expiring after {@code timeoutSeconds} (0: never). */
    public static Operation hold(final long from, final long to, final long amount, final int timeoutSeconds)
    {
        return new Operation(OpType.HOLD, from, to, amount, timeoutSeconds, false, 0, 0);
    }

    /** @return a post of {@code amount} (0: all) of the hold made by transaction {@code holdTxId}. */
    public static Operation post(final long holdTxId, final long amount)
    {
        return new Operation(OpType.POST, holdTxId, 0, amount);
    }

    /** @return a void of the hold made by transaction {@code holdTxId}. */
    public static Operation voidHold(final long holdTxId)
    {
        return new Operation(OpType.VOID, holdTxId, 0, 0);
    }

    /** @return this operation with the idempotency key {@code (hi, lo)}. */
    public Operation withKey(final long hi, final long lo)
    {
        return new Operation(type, account, toAccount, amount, timeout, true, hi, lo);
    }

    /** @return this operation with a UUID as its idempotency key (its most and least significant bits). */
    public Operation withKey(final UUID key)
    {
        return withKey(key.getMostSignificantBits(), key.getLeastSignificantBits());
    }
}
