package io.roda.ledger.tests;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import io.roda.core.OpType;
import io.roda.core.Result;

/**
 * The specification, executable: a plain HashMap ledger written straight from the rules in the
 * issue, with no attention to speed, against which the real ledger is checked.
 */
final class ReferenceLedger
{
    private final Map<Long, Long> balances = new HashMap<>();
    private final long maxAccounts;
    private long system;

    ReferenceLedger(final long maxAccounts)
    {
        this.maxAccounts = maxAccounts;
    }

    Result apply(final OpType type, final long a, final long b, final long amount)
    {
        final boolean transfer = type == OpType.TRANSFER;
        if (a <= 0 || (transfer && b <= 0))
        {
            return Result.INVALID_ACCOUNT;
        }
        if (transfer && a == b)
        {
            return Result.SAME_ACCOUNT;
        }
        if (type != OpType.OPEN && amount <= 0)
        {
            return Result.INVALID_AMOUNT;
        }
        if (type == OpType.OPEN)
        {
            if (balances.containsKey(a))
            {
                return Result.ACCOUNT_EXISTS;
            }
            if (balances.size() >= maxAccounts)
            {
                return Result.CAPACITY_EXCEEDED;
            }
            balances.put(a, 0L);
            return Result.OK;
        }
        if (!balances.containsKey(a) || (transfer && !balances.containsKey(b)))
        {
            return Result.ACCOUNT_NOT_FOUND;
        }
        final long balance = balances.get(a);
        switch (type)
        {
            case DEPOSIT:
                // total of all account balances is -system; both must stay <= 2^63-1
                if (Math.addExact(0, balance) > Long.MAX_VALUE - amount || -system > Long.MAX_VALUE - amount)
                {
                    return Result.OVERFLOW;
                }
                balances.put(a, balance + amount);
                system -= amount;
                return Result.OK;
            case WITHDRAW:
                if (amount > balance)
                {
                    return Result.INSUFFICIENT_FUNDS;
                }
                balances.put(a, balance - amount);
                system += amount;
                return Result.OK;
            case TRANSFER:
                if (amount > balance)
                {
                    return Result.INSUFFICIENT_FUNDS;
                }
                balances.put(a, balance - amount);
                balances.put(b, Math.addExact(balances.get(b), amount));
                return Result.OK;
            default:
                throw new IllegalArgumentException(type.name());
        }
    }

    /** @return every balance, system account 0 included, sorted by account. */
    /** @return every account's balance in a recovered state, in the shape of {@link #balances()}. */
    static TreeMap<Long, Long> balancesOf(final io.roda.ledger.Recovery.Recovered recovered)
    {
        final TreeMap<Long, Long> all = new TreeMap<>();
        recovered.state().forEachAccount((account, balance, dp, cp, od, lastTx) -> all.put(account, balance));
        return all;
    }

    TreeMap<Long, Long> balances()
    {
        final TreeMap<Long, Long> all = new TreeMap<>(balances);
        all.put(0L, system);
        return all;
    }
}
