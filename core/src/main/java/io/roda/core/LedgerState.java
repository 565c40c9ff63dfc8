package io.roda.core;

import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.store.DirectIndex;
import io.roda.store.SlotStore;

/**
 * The ledger's business rules as a deterministic state machine: same operations in, same results and
 * same state out. No clock, no floating point, no iteration-order leaks. State lives in the Roda store
 * layer: a {@link DirectIndex} maps an account id to its slot in a {@link SlotStore} holding
 * {@code balance} and the id of the last transaction that changed it. The system account 0 is slot 0.
 *
 * <p>Mutated by one thread (the transactor, or recovery before the pipeline starts); other threads read
 * balances concurrently through {@link #readBalance}, never seeing a torn slot.
 */
public final class LedgerState
{
    /** Field of a slot holding the balance. */
    public static final int BALANCE = 0;
    /** Field of a slot holding the id of the last transaction that changed the balance. */
    public static final int LAST_TX = 1;
    /** The system account's id. */
    public static final long SYSTEM_ACCOUNT = 0;
    private static final int SYSTEM_SLOT = 0;

    private final DirectIndex accounts;
    private final SlotStore slots;
    private final long maxAccounts;
    private long balanceAfter;
    private long toBalanceAfter;

    /** @param maxAccounts the most accounts (besides the system account) the ledger can hold. */
    public LedgerState(final long maxAccounts)
    {
        if (maxAccounts < 1 || maxAccounts > (1 << 28))
        {
            throw new IllegalArgumentException("maxAccounts must be in 1.." + (1 << 28) + ", was " + maxAccounts);
        }
        this.maxAccounts = maxAccounts;
        this.accounts = DirectIndex.anonymous("accounts index", maxAccounts + 1);
        this.slots = new SlotStore("balances", 2, (int)maxAccounts + 1);
        final int system = slots.allocate();
        accounts.put(SYSTEM_ACCOUNT, system);
    }

    /**
     * Applies one operation as transaction {@code txId}.
     *
     * @return the result's code; the state changed only when it is {@link Result#OK}.
     * @throws IllegalArgumentException for an unknown operation type (a programming error upstream).
     */
    public byte apply(final long txId, final int type, final long account, final long toAccount, final long amount)
    {
        switch (type)
        {
            case OpType.OPEN_CODE:
                return open(txId, account);
            case OpType.DEPOSIT_CODE:
                return deposit(txId, account, amount);
            case OpType.WITHDRAW_CODE:
                return withdraw(txId, account, amount);
            case OpType.TRANSFER_CODE:
                return transfer(txId, account, toAccount, amount);
            default:
                throw new IllegalArgumentException("unknown operation type " + type + " in transaction " + txId);
        }
    }

    private byte open(final long txId, final long account)
    {
        if (account <= 0)
        {
            return Result.INVALID_ACCOUNT.code();
        }
        if (accounts.get(account) != DirectIndex.MISSING)
        {
            return Result.ACCOUNT_EXISTS.code();
        }
        if (accountCount() >= maxAccounts)
        {
            return Result.CAPACITY_EXCEEDED.code();
        }
        final int slot = slots.allocate();
        write(slot, 0, txId);
        accounts.put(account, slot);
        balanceAfter = 0;
        return Result.OK.code();
    }

    private byte deposit(final long txId, final long account, final long amount)
    {
        if (account <= 0)
        {
            return Result.INVALID_ACCOUNT.code();
        }
        if (amount <= 0)
        {
            return Result.INVALID_AMOUNT.code();
        }
        final long slot = accounts.get(account);
        if (slot == DirectIndex.MISSING)
        {
            return Result.ACCOUNT_NOT_FOUND.code();
        }
        final long balance = slots.getLong((int)slot, BALANCE);
        final long total = -slots.getLong(SYSTEM_SLOT, BALANCE);
        if (balance > Long.MAX_VALUE - amount || total > Long.MAX_VALUE - amount)
        {
            return Result.OVERFLOW.code();
        }
        balanceAfter = balance + amount;
        write((int)slot, balanceAfter, txId);
        write(SYSTEM_SLOT, -(total + amount), txId);
        return Result.OK.code();
    }

    private byte withdraw(final long txId, final long account, final long amount)
    {
        if (account <= 0)
        {
            return Result.INVALID_ACCOUNT.code();
        }
        if (amount <= 0)
        {
            return Result.INVALID_AMOUNT.code();
        }
        final long slot = accounts.get(account);
        if (slot == DirectIndex.MISSING)
        {
            return Result.ACCOUNT_NOT_FOUND.code();
        }
        final long balance = slots.getLong((int)slot, BALANCE);
        if (amount > balance)
        {
            return Result.INSUFFICIENT_FUNDS.code();
        }
        balanceAfter = balance - amount;
        write((int)slot, balanceAfter, txId);
        write(SYSTEM_SLOT, slots.getLong(SYSTEM_SLOT, BALANCE) + amount, txId);
        return Result.OK.code();
    }

    private byte transfer(final long txId, final long from, final long to, final long amount)
    {
        if (from <= 0 || to <= 0)
        {
            return Result.INVALID_ACCOUNT.code();
        }
        if (from == to)
        {
            return Result.SAME_ACCOUNT.code();
        }
        if (amount <= 0)
        {
            return Result.INVALID_AMOUNT.code();
        }
        final long fromSlot = accounts.get(from);
        final long toSlot = accounts.get(to);
        if (fromSlot == DirectIndex.MISSING || toSlot == DirectIndex.MISSING)
        {
            return Result.ACCOUNT_NOT_FOUND.code();
        }
        final long fromBalance = slots.getLong((int)fromSlot, BALANCE);
        if (amount > fromBalance)
        {
            return Result.INSUFFICIENT_FUNDS.code();
        }
        // cannot overflow: to's balance + amount <= total of all balances <= 2^63-1
        balanceAfter = fromBalance - amount;
        toBalanceAfter = slots.getLong((int)toSlot, BALANCE) + amount;
        write((int)fromSlot, balanceAfter, txId);
        write((int)toSlot, toBalanceAfter, txId);
        return Result.OK.code();
    }

    private void write(final int slot, final long balance, final long txId)
    {
        slots.beginWrite(slot);
        slots.putLong(slot, BALANCE, balance);
        slots.putLong(slot, LAST_TX, txId);
        slots.endWrite(slot);
    }

    /** Owner only: the first account's balance after the last successful {@link #apply}. */
    public long balanceAfter()
    {
        return balanceAfter;
    }

    /** Owner only: the to account's balance after the last successful transfer. */
    public long toBalanceAfter()
    {
        return toBalanceAfter;
    }

    /** Owner only: the system account's balance. */
    public long systemBalance()
    {
        return slots.getLong(SYSTEM_SLOT, BALANCE);
    }

    /**
     * Owner only, before any {@link #apply}: sets an account's state, as loaded from a snapshot.
     *
     * @throws IllegalArgumentException when the account id is negative or already present.
     */
    public void restore(final long account, final long balance, final long lastTxId)
    {
        if (account == SYSTEM_ACCOUNT)
        {
            write(SYSTEM_SLOT, balance, lastTxId);
            return;
        }
        if (account < 0 || accounts.get(account) != DirectIndex.MISSING)
        {
            throw new IllegalArgumentException("cannot restore account " + account + ": invalid or duplicate");
        }
        if (accountCount() >= maxAccounts)
        {
            throw new IllegalArgumentException("cannot restore account " + account + ": more than maxAccounts "
                + maxAccounts + " accounts");
        }
        final int slot = slots.allocate();
        write(slot, balance, lastTxId);
        accounts.put(account, slot);
    }

    /**
     * Any thread: a torn-free read of an account's balance and last transaction id.
     *
     * @param dst receives {@code [balance, lastTxId]}; length at least 2.
     * @return false when the account is not open (dst untouched).
     */
    public boolean readBalance(final long account, final long[] dst)
    {
        final long slot = accounts.get(account);
        if (slot == DirectIndex.MISSING)
        {
            return false;
        }
        slots.read((int)slot, dst);
        return true;
    }

    /** @return accounts opened, the system account excluded (any thread). */
    public long accountCount()
    {
        return accounts.size() - 1;
    }

    /** @return the most accounts this state holds. */
    public long maxAccounts()
    {
        return maxAccounts;
    }

    /**
     * Visits every account, the system account included, as (account, slot). Owner thread, or a reader
     * that tolerates accounts opened during the visit.
     */
    public void forEachAccount(final AccountVisitor visitor)
    {
        final long[] fields = new long[2];
        accounts.forEach((account, slot) ->
        {
            slots.read((int)slot, fields);
            visitor.visit(account, fields[0], fields[1]);
        });
    }

    /** @return the sum of every balance, the system account included; 0 in a consistent ledger. */
    public long sumOfBalances()
    {
        final long[] sum = new long[1];
        forEachAccount((account, balance, lastTx) -> sum[0] += balance);
        return sum[0];
    }

    /** @return an order-independent hash of every (account, balance); equal states hash equal. */
    public long stateHash()
    {
        final long[] hash = new long[1];
        forEachAccount((account, balance, lastTx) -> hash[0] += mix(account * 0x9E3779B97F4A7C15L ^ balance));
        return hash[0];
    }

    private static long mix(final long v)
    {
        long h = v;
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /** Receives one account of {@link #forEachAccount}. */
    @FunctionalInterface
    public interface AccountVisitor
    {
        /** @param account the id. @param balance its balance. @param lastTxId last tx that changed it. */
        void visit(long account, long balance, long lastTxId);
    }
}
