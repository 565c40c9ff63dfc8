package io.roda.ledger;

import io.roda.core.OpType;

/**
 * One ledger operation, for batch submission. Account ids and amounts are not checked here: a bad one
 * is a recorded result ({@code INVALID_ACCOUNT}, {@code INVALID_AMOUNT}, ...), as the semantics require.
 *
 * @param type      what to do; never null.
 * @param account   the account, or the from account of a transfer.
 * @param toAccount the to account of a transfer; 0 otherwise.
 * @param amount    the amount in minor units; 0 for open.
 */
public record Operation(OpType type, long account, long toAccount, long amount)
{
    /** @throws NullPointerException when type is null. */
    public Operation
    {
        if (type == null)
        {
            throw new NullPointerException("operation type is null");
        }
    }

    /** @return an open of {@code account}. */
    public static Operation open(final long account)
    {
        return new Operation(OpType.OPEN, account, 0, 0);
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
}
