package io.roda.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

import io.roda.store.DirectIndex;
import io.roda.store.SlotStore;

/**
 * The ledger's business rules as a deterministic state machine: the same operations with the same
 * timestamps in, the same results and the same state out. No clock of its own, no floating point, no
 * iteration-order leaks. docs/SEMANTICS.md is the prose twin of this class.
 *
 * <p>State: every account (a {@link DirectIndex} maps its id to a slot of a {@link SlotStore} holding
 * balance, debits pending, credits pending, overdraft and the last transaction that changed it; the system
 * account 0 is slot 0), the {@link Holds}, the consumed {@link IdempotencyKeys}, and ledger time (the
 * timestamp of the last transaction).
 *
 * <p>How a driver applies transactions (the transactor live; recovery and the snapshotter on replay):
 * <ul>
 *   <li>a single operation: {@link #applyOne};</li>
 *   <li>a linked chain: {@link #beginChain} with the first member's timestamp, {@link #apply} for each member
 *       in order while they succeed, then {@link #endChain} with whether all succeeded. A failed chain is
 *       rolled back from an undo log, so nothing of it remains;</li>
 *   <li>before either, the holds due at the (first) timestamp expire.</li>
 * </ul>
 *
 * <p>Mutated by one thread. Other threads read balances through {@link #readBalance}, which never sees a torn
 * account nor, thanks to a state-wide version bumped around every chain, the inside of a chain.
 */
public final class LedgerState
{
    /** Field of a slot: the posted balance. */
    public static final int BALANCE = 0;
    /** Field of a slot: the sum of the account's active holds as the from account. */
    public static final int DEBITS_PENDING = 1;
    /** Field of a slot: the sum of the account's active holds as the to account. */
    public static final int CREDITS_PENDING = 2;
    /** Field of a slot: how far below zero the balance may go. */
    public static final int OVERDRAFT = 3;
    /** Field of a slot: the id of the last transaction that changed the account. */
    public static final int LAST_TX = 4;
    /** Longs per account slot. */
    public static final int FIELDS = 5;
    /** The system account's id. */
    public static final long SYSTEM_ACCOUNT = 0;
    /** The largest magnitude any balance or pending sum may take. */
    public static final long MAX_VALUE = Long.MAX_VALUE;
    /** Nanoseconds per second of a hold's timeout. */
    public static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SYSTEM_SLOT = 0;

    private static final int U_ACCOUNT = 1;
    private static final int U_OPENED = 2;
    private static final int U_HOLD_ADDED = 3;
    private static final int U_HOLD_FINISHED = 4;
    private static final int U_KEY = 5;
    private static final int U_WIDTH = 6;
    private static final VarHandle CHAIN_VERSION;

    static
    {
        try
        {
            CHAIN_VERSION = MethodHandles.lookup().findVarHandle(LedgerState.class, "chainVersion", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DirectIndex accounts;
    private final SlotStore slots;
    private final long maxAccounts;
    private final Holds holds;
    private final IdempotencyKeys keys;
    private final int maxChain;
    private long lastTimestamp;
    private long duplicateOf;
    private int fromChecked;
    private int toChecked;
    private volatile long chainVersion;

    private boolean inChain;
    private long[] undo = new long[64 * U_WIDTH];
    private int undoTop;
    private long[] chainOpened = new long[16]; // pairs: account, slot
    private int chainOpenedCount;
    private boolean tracking;                  // trackChanges(): keep what syncTo needs
    private long[] opened = new long[16];      // pairs: account, slot, indexed since the last syncTo
    private int openedCount;
    private long holdsSynced = -1;             // holds.changes() at the last syncTo
    private long keysSynced = -1;              // keys.changeVersion() at the last syncTo
    private ExpiryListener expiryListener;     // a replica that reports expiries (the feed); usually null

    /** The sizes that bound a ledger's state. */
    public record Limits(long maxAccounts, int maxHolds, int idempotencyWindow, int maxChain)
    {
        /** Checks the ranges. */
        public Limits
        {
            if (maxAccounts < 1 || maxAccounts > (1 << 28))
            {
                throw new IllegalArgumentException("maxAccounts must be in 1.." + (1 << 28) + ", was " + maxAccounts);
            }
            if (maxHolds < 1)
            {
                throw new IllegalArgumentException("maxHolds must be >= 1, was " + maxHolds);
            }
            if (idempotencyWindow < 1)
            {
                throw new IllegalArgumentException("idempotencyWindow must be >= 1, was " + idempotencyWindow);
            }
            if (maxChain < 1)
            {
                throw new IllegalArgumentException("maxChain must be >= 1, was " + maxChain);
            }
        }
    }

    /** Default limits around {@code maxAccounts}: 2^20 holds, a 2^20-key window, 4,096-member chains. */
    public static Limits defaultLimits(final long maxAccounts)
    {
        return new Limits(maxAccounts, 1 << 20, 1 << 20, 4096);
    }

    /** @param maxAccounts the most accounts (besides the system account); other limits at their defaults. */
    public LedgerState(final long maxAccounts)
    {
        this(defaultLimits(maxAccounts));
    }

    /** @param limits the sizes of the state. */
    public LedgerState(final Limits limits)
    {
        this.maxAccounts = limits.maxAccounts();
        this.accounts = DirectIndex.anonymous("accounts index", maxAccounts + 1);
        this.slots = new SlotStore("balances", FIELDS, (int)maxAccounts + 1);
        this.holds = new Holds(limits.maxHolds(), limits.maxChain());
        this.keys = new IdempotencyKeys(limits.idempotencyWindow(), limits.maxChain());
        this.maxChain = limits.maxChain();
        final int system = slots.allocate();
        accounts.put(SYSTEM_ACCOUNT, system);
    }

    // ------------------------------------------------------------------------------------------ drivers

    /**
     * Applies one operation that is not part of a chain: expires the holds due at {@code timestamp}, then
     * applies it.
     *
     * @return the result's code; the state changed (beyond expiry) only when it is {@link Result#OK}.
     */
    public byte applyOne(final long txId, final long timestamp, final int type, final long account, final long to,
        final long amount, final int timeout, final boolean keyed, final long keyHi, final long keyLo)
    {
        expire(timestamp);
        final byte result = apply(txId, timestamp, type, account, to, amount, timeout, keyed, keyHi, keyLo);
        if (keyed && result == 0)
        {
            keys.trim();
        }
        return result;
    }

    /**
     * Starts a chain whose first member has {@code timestamp}: expires the holds due then, and from here on
     * logs every change so that {@link #endChain endChain(false)} can undo it.
     */
    public void beginChain(final long timestamp)
    {
        if (inChain)
        {
            throw new IllegalStateException("a chain is already in progress");
        }
        expire(timestamp);
        inChain = true;
        undoTop = 0;
        chainOpenedCount = 0;
        CHAIN_VERSION.setRelease(this, chainVersion + 1);
        VarHandle.storeStoreFence();
    }

    /**
     * Ends the chain: keeps its effects when {@code commit}, else undoes every one of them. Its timestamps stay
     * consumed, those of the members after a failing one (never evaluated) included: ledger time moves to
     * {@code lastStamp}, the last member's timestamp, and never goes back.
     *
     * @throws IllegalArgumentException when {@code lastStamp} is below the last timestamp applied.
     */
    public void endChain(final boolean commit, final long lastStamp)
    {
        if (lastStamp < lastTimestamp)
        {
            throw new IllegalArgumentException("the chain's last timestamp " + lastStamp + " is below ledger time "
                + lastTimestamp);
        }
        if (!inChain)
        {
            throw new IllegalStateException("no chain in progress");
        }
        if (commit)
        {
            for (int i = 0; i < chainOpenedCount; i++)
            {
                indexAccount(chainOpened[2 * i], (int)chainOpened[2 * i + 1]);
            }
        }
        else
        {
            rollback();
        }
        lastTimestamp = lastStamp;
        inChain = false;
        chainOpenedCount = 0;
        undoTop = 0;
        keys.trim();
        holds.trim();
        CHAIN_VERSION.setRelease(this, chainVersion + 1);
    }

    /** @return whether a chain is in progress. */
    public boolean inChain()
    {
        return inChain;
    }

    /** @return the most members a chain may have. */
    public int maxChain()
    {
        return maxChain;
    }

    /**
     * Expires every active hold due at or before {@code timestamp} (outside a chain): releases its pending
     * sums and marks it EXPIRED.
     *
     * @return holds expired.
     */
    public int expire(final long timestamp)
    {
        if (inChain)
        {
            throw new IllegalStateException("holds expire between transactions, not inside a chain");
        }
        int expired = 0;
        while (holds.nextExpiry() <= timestamp)
        {
            final int e = holds.nextToExpire();
            if (expiryListener != null)
            {
                expiryListener.onExpired(holds.id(e), holds.from(e), holds.to(e), holds.amount(e));
            }
            release(e);
            holds.finish(e, Holds.EXPIRED);
            expired++;
        }
        if (expired > 0)
        {
            holds.trim();
        }
        return expired;
    }

    /** Told about each hold as it expires, before its pending sums are released (owner thread). */
    @FunctionalInterface
    public interface ExpiryListener
    {
        /** The hold {@code holdId} (its transaction's id) from {@code from} to {@code to} of {@code amount} expires. */
        void onExpired(long holdId, long from, long to, long amount);
    }

    /** Sets (or, with null, clears) the listener told about every expiry from now on. Owner thread. */
    public void expiryListener(final ExpiryListener listener)
    {
        this.expiryListener = listener;
    }

    /** @return ledger time at which the next hold expires, or {@link Long#MAX_VALUE} when none will. */
    public long nextExpiry()
    {
        return holds.nextExpiry();
    }

    /**
     * Applies one operation as transaction {@code txId} at {@code timestamp}, inside a chain or as the body of
     * {@link #applyOne}. Does not expire holds.
     *
     * @param account   the account; the from account of a transfer or hold; the hold's id for post and void.
     * @param to        the to account of a transfer or hold, else 0.
     * @param amount    the amount; the overdraft of an open; for post, 0 means the whole hold.
     * @param timeout   seconds until a hold expires (0 never); 0 for other operations.
     * @param keyed     whether the operation carries the idempotency key {@code (keyHi, keyLo)}.
     * @return the result's code; the state changed only when it is {@link Result#OK}.
     * @throws IllegalArgumentException for an unknown operation type or a timestamp that does not increase.
     */
    public byte apply(final long txId, final long timestamp, final int type, final long account, final long to,
        final long amount, final int timeout, final boolean keyed, final long keyHi, final long keyLo)
    {
        if (timestamp <= lastTimestamp)
        {
            throw new IllegalArgumentException("transaction " + txId + " has timestamp " + timestamp
                + ", not after the previous one " + lastTimestamp);
        }
        lastTimestamp = timestamp;
        duplicateOf = 0;
        if (keyed)
        {
            final int slot = keys.find(keyHi, keyLo);
            if (slot >= 0)
            {
                duplicateOf = keys.txId(slot);
                return keys.sameFields(slot, type, timeout, account, to, amount)
                    ? Result.DUPLICATE.code() : Result.KEY_REUSED.code();
            }
        }
        final byte result;
        switch (type)
        {
            case OpType.TRANSFER_CODE:
                result = transfer(txId, account, to, amount);
                break;
            case OpType.DEPOSIT_CODE:
                result = deposit(txId, account, amount);
                break;
            case OpType.WITHDRAW_CODE:
                result = withdraw(txId, account, amount);
                break;
            case OpType.OPEN_CODE:
                result = open(txId, account, amount);
                break;
            case OpType.HOLD_CODE:
                result = hold(txId, timestamp, account, to, amount, timeout);
                break;
            case OpType.POST_CODE:
                result = post(txId, account, amount);
                break;
            case OpType.VOID_CODE:
                result = voidHold(txId, account);
                break;
            case OpType.TICK_CODE:
                result = Result.OK.code();
                break;
            default:
                throw new IllegalArgumentException("unknown operation type " + type + " in transaction " + txId);
        }
        if (keyed && result == 0)
        {
            if (inChain)
            {
                log(U_KEY, 0, 0, 0, 0, 0);
            }
            keys.consume(keyHi, keyLo, txId, type, timeout, account, to, amount);
        }
        return result;
    }

    /** @return after a DUPLICATE or KEY_REUSED result, the transaction that consumed the key; else 0. */
    public long duplicateOf()
    {
        return duplicateOf;
    }

    /** @return the timestamp of the last transaction applied (0 for a new ledger). */
    public long lastTimestamp()
    {
        return lastTimestamp;
    }

    /** Before any {@link #apply}: sets ledger time, as loaded from a snapshot. */
    public void restoreTimestamp(final long timestamp)
    {
        lastTimestamp = timestamp;
    }

    // ------------------------------------------------------------------------------------------ rules

    private byte open(final long txId, final long account, final long overdraft)
    {
        if (account <= 0 || overdraft < 0)
        {
            return Result.INVALID_ACCOUNT.code();
        }
        if (slotOf(account) != DirectIndex.MISSING)
        {
            return Result.ACCOUNT_EXISTS.code();
        }
        if (accounts.size() - 1 + chainOpenedCount >= maxAccounts)
        {
            return Result.CAPACITY_EXCEEDED.code();
        }
        final int slot = slots.allocate();
        slots.beginWrite(slot);
        slots.putLong(slot, OVERDRAFT, overdraft);
        slots.putLong(slot, LAST_TX, txId);
        slots.endWrite(slot);
        if (inChain)
        {
            log(U_OPENED, account, slot, 0, 0, 0);
            if (2 * chainOpenedCount + 2 > chainOpened.length)
            {
                chainOpened = Arrays.copyOf(chainOpened, chainOpened.length * 2);
            }
            chainOpened[2 * chainOpenedCount] = account;
            chainOpened[2 * chainOpenedCount + 1] = slot;
            chainOpenedCount++;
        }
        else
        {
            indexAccount(account, slot);
        }
        return Result.OK.code();
    }

    /**
     * The checks deposit and withdraw share, in their documented order: INVALID_ACCOUNT, INVALID_AMOUNT,
     * ACCOUNT_NOT_FOUND.
     *
     * @return 0 when they pass (the account's slot is then in {@link #fromChecked}), else the result.
     */
    private byte checkOneAccount(final long account, final long amount)
    {
        if (account <= 0)
        {
            return Result.INVALID_ACCOUNT.code();
        }
        if (amount <= 0)
        {
            return Result.INVALID_AMOUNT.code();
        }
        final long slot = slotOf(account);
        if (slot == DirectIndex.MISSING)
        {
            return Result.ACCOUNT_NOT_FOUND.code();
        }
        fromChecked = (int)slot;
        return 0;
    }

    private byte deposit(final long txId, final long account, final long amount)
    {
        final byte failed = checkOneAccount(account, amount);
        if (failed != 0)
        {
            return failed;
        }
        final int s = fromChecked;
        final long balance = slots.getLong(s, BALANCE);
        final long system = slots.getLong(SYSTEM_SLOT, BALANCE);
        if (balance > MAX_VALUE - amount || system < -MAX_VALUE + amount)
        {
            return Result.OVERFLOW.code();
        }
        setBalance(s, balance + amount, txId);
        setBalance(SYSTEM_SLOT, system - amount, txId);
        return Result.OK.code();
    }

    private byte withdraw(final long txId, final long account, final long amount)
    {
        final byte failed = checkOneAccount(account, amount);
        if (failed != 0)
        {
            return failed;
        }
        final int s = fromChecked;
        final long balance = slots.getLong(s, BALANCE);
        if (availableBelow(balance, slots.getLong(s, DEBITS_PENDING), slots.getLong(s, OVERDRAFT), amount))
        {
            return Result.INSUFFICIENT_FUNDS.code();
        }
        final long system = slots.getLong(SYSTEM_SLOT, BALANCE);
        if (system > MAX_VALUE - amount)
        {
            return Result.OVERFLOW.code();
        }
        // balance - amount >= debits pending - overdraft >= -MAX_VALUE: cannot leave the range
        setBalance(s, balance - amount, txId);
        setBalance(SYSTEM_SLOT, system + amount, txId);
        return Result.OK.code();
    }

    /**
     * The checks transfer and hold share, in their documented order: INVALID_ACCOUNT, SAME_ACCOUNT, INVALID_AMOUNT,
     * ACCOUNT_NOT_FOUND, INSUFFICIENT_FUNDS (available(FROM) < amount).
     *
     * @return 0 when they pass (the slots are then in {@link #fromChecked} and {@link #toChecked}), else the result.
     */
    private byte checkTwoAccounts(final long from, final long to, final long amount)
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
        final long fromSlot = slotOf(from);
        final long toSlot = slotOf(to);
        if (fromSlot == DirectIndex.MISSING || toSlot == DirectIndex.MISSING)
        {
            return Result.ACCOUNT_NOT_FOUND.code();
        }
        final int f = (int)fromSlot;
        if (availableBelow(slots.getLong(f, BALANCE), slots.getLong(f, DEBITS_PENDING), slots.getLong(f, OVERDRAFT), amount))
        {
            return Result.INSUFFICIENT_FUNDS.code();
        }
        fromChecked = f;
        toChecked = (int)toSlot;
        return 0;
    }

    private byte transfer(final long txId, final long from, final long to, final long amount)
    {
        final byte failed = checkTwoAccounts(from, to, amount);
        if (failed != 0)
        {
            return failed;
        }
        final int f = fromChecked;
        final int t = toChecked;
        final long toBalance = slots.getLong(t, BALANCE);
        if (toBalance > MAX_VALUE - amount)
        {
            return Result.OVERFLOW.code();
        }
        setBalance(f, slots.getLong(f, BALANCE) - amount, txId);
        setBalance(t, toBalance + amount, txId);
        return Result.OK.code();
    }

    private byte hold(final long txId, final long timestamp, final long from, final long to, final long amount,
        final int timeout)
    {
        final byte failed = checkTwoAccounts(from, to, amount);
        if (failed != 0)
        {
            return failed;
        }
        final int f = fromChecked;
        final int t = toChecked;
        final long debitsPending = slots.getLong(f, DEBITS_PENDING);
        final long creditsPending = slots.getLong(t, CREDITS_PENDING);
        if (debitsPending > MAX_VALUE - amount || creditsPending > MAX_VALUE - amount)
        {
            return Result.OVERFLOW.code();
        }
        if (timeout < 0)
        {
            return Result.INVALID_AMOUNT.code(); // unreachable through the parsers; a corrupt record otherwise
        }
        if (!holds.hasRoomForActive())
        {
            return Result.CAPACITY_EXCEEDED.code();
        }
        setPending(f, DEBITS_PENDING, debitsPending + amount, txId);
        setPending(t, CREDITS_PENDING, creditsPending + amount, txId);
        final long expiresAt = timeout == 0 ? 0
            : timestamp > Long.MAX_VALUE - timeout * NANOS_PER_SECOND ? Long.MAX_VALUE - 1 : timestamp + timeout * NANOS_PER_SECOND;
        final int e = holds.add(txId, from, to, amount, expiresAt);
        if (inChain)
        {
            log(U_HOLD_ADDED, e, 0, 0, 0, 0);
        }
        else
        {
            holds.trim();
        }
        return Result.OK.code();
    }

    private byte post(final long txId, final long holdId, final long requested)
    {
        final int e = holds.find(holdId);
        if (e < 0)
        {
            return Result.HOLD_NOT_FOUND.code();
        }
        final byte finished = finishedResult(holds.status(e));
        if (finished != 0)
        {
            return finished;
        }
        final long held = holds.amount(e);
        if (requested < 0 || requested > held)
        {
            return Result.INVALID_AMOUNT.code();
        }
        final long amount = requested == 0 ? held : requested;
        final int f = (int)slotOf(holds.from(e));
        final int t = (int)slotOf(holds.to(e));
        final long toBalance = slots.getLong(t, BALANCE);
        if (toBalance > MAX_VALUE - amount)
        {
            return Result.OVERFLOW.code();
        }
        // from: balance - amount >= debits pending - overdraft - amount >= -overdraft (the hold reserved it)
        writeAccount(f, slots.getLong(f, BALANCE) - amount, slots.getLong(f, DEBITS_PENDING) - held,
            slots.getLong(f, CREDITS_PENDING), txId);
        writeAccount(t, toBalance + amount, slots.getLong(t, DEBITS_PENDING), slots.getLong(t, CREDITS_PENDING) - held,
            txId);
        finishHold(e, Holds.POSTED);
        return Result.OK.code();
    }

    private byte voidHold(final long txId, final long holdId)
    {
        final int e = holds.find(holdId);
        if (e < 0)
        {
            return Result.HOLD_NOT_FOUND.code();
        }
        final byte finished = finishedResult(holds.status(e));
        if (finished != 0)
        {
            return finished;
        }
        final long held = holds.amount(e);
        final int f = (int)slotOf(holds.from(e));
        final int t = (int)slotOf(holds.to(e));
        setPending(f, DEBITS_PENDING, slots.getLong(f, DEBITS_PENDING) - held, txId);
        setPending(t, CREDITS_PENDING, slots.getLong(t, CREDITS_PENDING) - held, txId);
        finishHold(e, Holds.VOIDED);
        return Result.OK.code();
    }

    private static byte finishedResult(final byte status)
    {
        switch (status)
        {
            case Holds.POSTED: return Result.HOLD_ALREADY_POSTED.code();
            case Holds.VOIDED: return Result.HOLD_ALREADY_VOIDED.code();
            case Holds.EXPIRED: return Result.HOLD_EXPIRED.code();
            default: return 0;
        }
    }

    private void finishHold(final int e, final byte how)
    {
        holds.finish(e, how);
        if (inChain)
        {
            log(U_HOLD_FINISHED, e, 0, 0, 0, 0);
        }
        else
        {
            holds.trim();
        }
    }

    /** Expiry: releases a hold's pending sums without touching the accounts' last transaction. */
    private void release(final int e)
    {
        final long held = holds.amount(e);
        final int f = (int)slotOf(holds.from(e));
        final int t = (int)slotOf(holds.to(e));
        writeAccount(f, slots.getLong(f, BALANCE), slots.getLong(f, DEBITS_PENDING) - held,
            slots.getLong(f, CREDITS_PENDING), slots.getLong(f, LAST_TX));
        writeAccount(t, slots.getLong(t, BALANCE), slots.getLong(t, DEBITS_PENDING),
            slots.getLong(t, CREDITS_PENDING) - held, slots.getLong(t, LAST_TX));
    }

    /**
     * @return whether balance - debitsPending + overdraft < amount, computed exactly (amount > 0; balance in
     *     -MAX..MAX, debitsPending and overdraft in 0..MAX).
     */
    static boolean availableBelow(final long balance, final long debitsPending, final long overdraft, final long amount)
    {
        final long net = balance - debitsPending;
        if (((balance ^ debitsPending) & (balance ^ net)) < 0)
        {
            return true; // below -2^63, so even with the largest overdraft it stays below 0 < amount
        }
        final long available = net + overdraft;
        if (net > 0 && available < 0)
        {
            return false; // above 2^63-1 >= amount
        }
        return available < amount;
    }

    // ------------------------------------------------------------------------------------------ storage

    private void indexAccount(final long account, final int slot)
    {
        accounts.put(account, slot);
        if (tracking)
        {
            if (2 * openedCount + 2 > opened.length)
            {
                opened = Arrays.copyOf(opened, opened.length * 2);
            }
            opened[2 * openedCount] = account;
            opened[2 * openedCount + 1] = slot;
            openedCount++;
        }
    }

    private long slotOf(final long account)
    {
        final long slot = accounts.get(account);
        if (slot == DirectIndex.MISSING && chainOpenedCount > 0)
        {
            for (int i = 0; i < chainOpenedCount; i++)
            {
                if (chainOpened[2 * i] == account)
                {
                    return chainOpened[2 * i + 1];
                }
            }
        }
        return slot;
    }

    private void setBalance(final int slot, final long balance, final long txId)
    {
        if (inChain)
        {
            logAccount(slot);
        }
        slots.beginWrite(slot);
        slots.putLong(slot, BALANCE, balance);
        slots.putLong(slot, LAST_TX, txId);
        slots.endWrite(slot);
    }

    private void setPending(final int slot, final int field, final long value, final long txId)
    {
        if (inChain)
        {
            logAccount(slot);
        }
        slots.beginWrite(slot);
        slots.putLong(slot, field, value);
        slots.putLong(slot, LAST_TX, txId);
        slots.endWrite(slot);
    }

    private void writeAccount(final int slot, final long balance, final long debitsPending, final long creditsPending,
        final long txId)
    {
        if (inChain)
        {
            logAccount(slot);
        }
        slots.beginWrite(slot);
        slots.putLong(slot, BALANCE, balance);
        slots.putLong(slot, DEBITS_PENDING, debitsPending);
        slots.putLong(slot, CREDITS_PENDING, creditsPending);
        slots.putLong(slot, LAST_TX, txId);
        slots.endWrite(slot);
    }

    private void logAccount(final int slot)
    {
        log(U_ACCOUNT, slot, slots.getLong(slot, BALANCE), slots.getLong(slot, DEBITS_PENDING),
            slots.getLong(slot, CREDITS_PENDING), slots.getLong(slot, LAST_TX));
    }

    private void log(final int kind, final long a, final long b, final long c, final long d, final long e)
    {
        if (undoTop + U_WIDTH > undo.length)
        {
            undo = Arrays.copyOf(undo, undo.length * 2);
        }
        undo[undoTop] = kind;
        undo[undoTop + 1] = a;
        undo[undoTop + 2] = b;
        undo[undoTop + 3] = c;
        undo[undoTop + 4] = d;
        undo[undoTop + 5] = e;
        undoTop += U_WIDTH;
    }

    private void rollback()
    {
        while (undoTop > 0)
        {
            undoTop -= U_WIDTH;
            final long a = undo[undoTop + 1];
            switch ((int)undo[undoTop])
            {
                case U_ACCOUNT:
                {
                    final int slot = (int)a;
                    slots.beginWrite(slot);
                    slots.putLong(slot, BALANCE, undo[undoTop + 2]);
                    slots.putLong(slot, DEBITS_PENDING, undo[undoTop + 3]);
                    slots.putLong(slot, CREDITS_PENDING, undo[undoTop + 4]);
                    slots.putLong(slot, LAST_TX, undo[undoTop + 5]);
                    slots.endWrite(slot);
                    break;
                }
                case U_OPENED:
                    slots.unallocate((int)undo[undoTop + 2]);
                    chainOpenedCount--;
                    break;
                case U_HOLD_ADDED:
                    holds.removeActive((int)a);
                    break;
                case U_HOLD_FINISHED:
                    holds.unfinish((int)a);
                    break;
                case U_KEY:
                    keys.removeNewest();
                    break;
                default:
                    throw new IllegalStateException("corrupt undo log");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ reads

    /** Owner only: the system account's balance. */
    public long systemBalance()
    {
        return slots.getLong(SYSTEM_SLOT, BALANCE);
    }

    /**
     * Owner thread only: the account's fields now, inside a chain too (accounts a chain opened included).
     *
     * @param dst receives the {@link #FIELDS} fields; length at least {@link #FIELDS}.
     * @return false when the account is not open (dst untouched).
     */
    public boolean peekAccount(final long account, final long[] dst)
    {
        final long slot = slotOf(account);
        if (slot == DirectIndex.MISSING)
        {
            return false;
        }
        slots.read((int)slot, dst);
        return true;
    }

    /**
     * Any thread: a consistent read of an account, never inside a chain.
     *
     * @param dst receives the {@link #FIELDS} fields (balance, debits pending, credits pending, overdraft,
     *            last tx); length at least {@link #FIELDS}.
     * @return false when the account is not open (dst untouched).
     */
    public boolean readBalance(final long account, final long[] dst)
    {
        while (true)
        {
            final long before = awaitNoChain();
            final long slot = accounts.get(account);
            final boolean open = slot != DirectIndex.MISSING && slot < slots.capacity();
            if (open)
            {
                slots.read((int)slot, dst);
            }
            if (noChainSince(before))
            {
                return open;
            }
        }
    }

    /**
     * Any thread: the transaction that consumed the idempotency key, or 0 when it is not remembered. Never
     * answers from inside a linked chain (a key a chain member consumed counts only once the chain applied).
     */
    public long transactionForKey(final long keyHi, final long keyLo)
    {
        while (true)
        {
            final long before = awaitNoChain();
            final long txId = keys.lookup(keyHi, keyLo);
            if (noChainSince(before))
            {
                return txId;
            }
        }
    }

    /** @return accounts opened, the system account excluded (any thread; never counts a chain in progress). */
    public long accountCount()
    {
        while (true)
        {
            final long before = awaitNoChain();
            final long count = accounts.size() - 1;
            if (noChainSince(before))
            {
                return count;
            }
        }
    }

    /** Any thread: a torn-free read of a slot, never from inside a chain. */
    private void readOutsideChain(final int slot, final long[] dst)
    {
        while (true)
        {
            final long before = awaitNoChain();
            slots.read(slot, dst);
            if (noChainSince(before))
            {
                return;
            }
        }
    }

    /**
     * Reader side of the state-wide chain version: waits while a chain is in progress (odd version). Owner
     * thread: never inside its own chain, it would wait forever.
     *
     * @return the (even) version to pass to {@link #noChainSince} after reading.
     */
    private long awaitNoChain()
    {
        long version;
        while (((version = (long)CHAIN_VERSION.getAcquire(this)) & 1) != 0)
        {
            Thread.onSpinWait();
        }
        return version;
    }

    /** @return whether no chain began or ended since {@link #awaitNoChain} returned {@code before}: the reads hold. */
    private boolean noChainSince(final long before)
    {
        VarHandle.loadLoadFence();
        return (long)CHAIN_VERSION.getAcquire(this) == before;
    }

    /** @return the most accounts this state holds. */
    public long maxAccounts()
    {
        return maxAccounts;
    }

    /** @return the holds (owner thread). */
    public Holds holds()
    {
        return holds;
    }

    /** @return the consumed keys (owner thread, or {@link IdempotencyKeys#lookup} from any thread). */
    public IdempotencyKeys keys()
    {
        return keys;
    }

    // ------------------------------------------------------------------------------------------ snapshots

    /**
     * Owner only, before any {@link #apply}: sets an account's state, as loaded from a snapshot.
     *
     * @throws IllegalArgumentException when the account id is negative or already present, or a value is out
     *     of range.
     */
    public void restore(final long account, final long balance, final long debitsPending, final long creditsPending,
        final long overdraft, final long lastTxId)
    {
        if (balance == Long.MIN_VALUE || debitsPending < 0 || creditsPending < 0 || overdraft < 0)
        {
            throw new IllegalArgumentException("cannot restore account " + account + ": value out of range");
        }
        final int slot;
        if (account == SYSTEM_ACCOUNT)
        {
            slot = SYSTEM_SLOT;
        }
        else
        {
            if (account < 0 || accounts.get(account) != DirectIndex.MISSING)
            {
                throw new IllegalArgumentException("cannot restore account " + account + ": invalid or duplicate");
            }
            if (accountCount() >= maxAccounts)
            {
                throw new IllegalArgumentException("cannot restore account " + account + ": more than maxAccounts "
                    + maxAccounts + " accounts");
            }
            slot = slots.allocate();
            indexAccount(account, slot);
        }
        slots.beginWrite(slot);
        slots.putLong(slot, BALANCE, balance);
        slots.putLong(slot, DEBITS_PENDING, debitsPending);
        slots.putLong(slot, CREDITS_PENDING, creditsPending);
        slots.putLong(slot, OVERDRAFT, overdraft);
        slots.putLong(slot, LAST_TX, lastTxId);
        slots.endWrite(slot);
    }

    /**
     * Owner only, on a new state before any {@link #apply}: makes it a copy of {@code other} (accounts, holds,
     * keys, ledger time), e.g. to seed the snapshotter's state with the recovered one.
     *
     * @throws IllegalArgumentException when the limits differ or this state is not new.
     */
    public void copyFrom(final LedgerState other)
    {
        if (other.maxAccounts != maxAccounts || other.holds.capacity() != holds.capacity()
            || other.keys.window() != keys.window() || other.maxChain != maxChain)
        {
            throw new IllegalArgumentException("cannot copy a state with other limits");
        }
        if (accountCount() != 0 || holds.size() != 0 || keys.size() != 0)
        {
            throw new IllegalArgumentException("copyFrom needs a new state");
        }
        other.forEachAccount(this::restore);
        other.holds.forEach((txId, from, to, amount, expiresAt, status) ->
        {
            if (status == Holds.ACTIVE)
            {
                holds.add(txId, from, to, amount, expiresAt);
            }
            else
            {
                holds.restoreFinished(txId, from, to, amount, expiresAt, status);
            }
        });
        other.keys.forEach(keys::consume);
        lastTimestamp = other.lastTimestamp;
    }

    /**
     * Owner of both, outside a chain: makes the new state {@code image} an exact copy of this one, slot for slot,
     * and from now on remembers what changes here (accounts written, accounts opened, whether holds or keys
     * changed), so that {@link #syncTo} can bring the image up to date by copying only that. One image per
     * state: the snapshotter's.
     *
     * @throws IllegalArgumentException when the image has other limits or is not new.
     * @throws IllegalStateException    inside a chain, or when an image was begun already.
     */
    public void beginImage(final LedgerState image)
    {
        if (inChain || tracking)
        {
            throw new IllegalStateException(inChain ? "cannot begin an image inside a chain" : "an image was begun already");
        }
        if (!image.limits().equals(limits()))
        {
            throw new IllegalArgumentException("cannot image a state into one with other limits");
        }
        if (image.accountCount() != 0 || image.holds.size() != 0 || image.keys.size() != 0 || image.inChain)
        {
            throw new IllegalArgumentException("beginImage needs a new state");
        }
        image.slots.unallocate(SYSTEM_SLOT); // the constructor's system slot: copyAllTo copies every slot
        slots.copyAllTo(image.slots);
        accounts.forEach((account, slot) ->
        {
            if (account != SYSTEM_ACCOUNT)
            {
                image.accounts.put(account, slot);
            }
        });
        holds.trackChanges();
        holds.copyChangesTo(image.holds);
        image.keys.copyFrom(keys);
        image.lastTimestamp = lastTimestamp;
        tracking = true;
        slots.trackChanges();
        openedCount = 0;
        holdsSynced = holds.changes();
        keysSynced = keys.changeVersion();
    }

    /**
     * Owner of this state, outside a chain, while it also owns {@code image}: makes {@code image} an exact copy
     * of this state (accounts with their last transactions, holds, keys, ledger time), copying only what changed
     * since the last sync: the accounts written and opened, and the hold table or key window only when they
     * changed. {@code image} must be the one {@link #beginImage} made, changed by nothing but this method since.
     *
     * @return account slots copied (a measure of the work done).
     * @throws IllegalStateException when changes are not tracked or a chain is in progress.
     * @throws IllegalArgumentException when the image has other limits.
     */
    public int syncTo(final LedgerState image)
    {
        if (!tracking)
        {
            throw new IllegalStateException("syncTo needs beginImage()");
        }
        if (inChain)
        {
            throw new IllegalStateException("cannot sync inside a chain");
        }
        if (image.maxAccounts != maxAccounts || image.maxChain != maxChain)
        {
            throw new IllegalArgumentException("cannot sync into a state with other limits");
        }
        for (int i = 0; i < openedCount; i++)
        {
            image.accounts.put(opened[2 * i], opened[2 * i + 1]);
        }
        openedCount = 0;
        final int copied = slots.changedCount();
        slots.copyChangedTo(image.slots);
        if (holds.changes() != holdsSynced)
        {
            holds.copyChangesTo(image.holds);
            holdsSynced = holds.changes();
        }
        if (keys.changeVersion() != keysSynced)
        {
            image.keys.copyFrom(keys);
            keysSynced = keys.changeVersion();
        }
        image.lastTimestamp = lastTimestamp;
        return copied;
    }

    /**
     * Owner of {@code image} (the snapshotter, while it holds the copy), any time: grows the image's hold arrays
     * and key ring to this state's current sizes, so that the next {@link #syncTo} (on the transactor) copies
     * but does not allocate. Reads this state's array lengths without synchronisation: a benign race (a stale
     * length only means the sync grows the rest itself).
     */
    public void reserveImage(final LedgerState image)
    {
        image.holds.reserve(holds.arrayLength());
        image.keys.reserve(keys.ringLength());
    }

    /** @return the limits this state was built with. */
    public Limits limits()
    {
        return new Limits(maxAccounts, holds.capacity(), keys.window(), maxChain);
    }

    /**
     * Visits every account, the system account included. Owner thread, or any reader: each account is read
     * torn-free and never from inside a chain, but a visit concurrent with transactions is not one consistent
     * cut of the ledger (a transfer may land between two accounts' reads), and accounts opened during it may or
     * may not be seen.
     */
    public void forEachAccount(final AccountVisitor visitor)
    {
        final long[] fields = new long[FIELDS];
        accounts.forEach((account, slot) ->
        {
            readOutsideChain((int)slot, fields);
            visitor.visit(account, fields[BALANCE], fields[DEBITS_PENDING], fields[CREDITS_PENDING],
                fields[OVERDRAFT], fields[LAST_TX]);
        });
    }

    /** @return the sum of every balance, the system account included; 0 in a consistent ledger. */
    public long sumOfBalances()
    {
        final long[] sum = new long[1];
        forEachAccount((account, balance, dp, cp, od, lastTx) -> sum[0] += balance);
        return sum[0];
    }

    /**
     * Checks the invariants: balances sum to zero; debits pending sum to credits pending; both equal the sum
     * of the active holds; every balance is within its overdraft.
     *
     * @return null when they hold, else what is wrong.
     */
    public String checkInvariants()
    {
        final long[] sums = new long[4]; // balances, debits pending, credits pending, active holds
        final String[] problem = new String[1];
        forEachAccount((account, balance, dp, cp, od, lastTx) ->
        {
            sums[0] += balance;
            sums[1] += dp;
            sums[2] += cp;
            if (account != SYSTEM_ACCOUNT && problem[0] == null && availableBelow(balance, dp, od, 0))
            {
                problem[0] = "account " + account + " is below its overdraft: balance " + balance + ", debits pending "
                    + dp + ", overdraft " + od;
            }
        });
        holds.forEach((txId, from, to, amount, expiresAt, status) ->
        {
            if (status == Holds.ACTIVE)
            {
                sums[3] += amount;
            }
        });
        if (problem[0] != null)
        {
            return problem[0];
        }
        if (sums[0] != 0)
        {
            return "balances sum to " + sums[0] + ", not 0";
        }
        if (sums[1] != sums[2] || sums[1] != sums[3])
        {
            return "debits pending sum to " + sums[1] + ", credits pending to " + sums[2] + ", active holds to " + sums[3];
        }
        return null;
    }

    /**
     * @return an order-independent hash of the accounts, the remembered holds and the consumed keys; equal
     *     states hash equal. Ledger time and expiry times are left out, so that the same operations applied at
     *     other times hash equal.
     */
    public long stateHash()
    {
        final long[] hash = new long[1];
        forEachAccount((account, balance, dp, cp, od, lastTx) ->
            hash[0] += mix(mix(mix(account * 0x9E3779B97F4A7C15L ^ balance) + dp) * 31 + cp ^ od * 17));
        return hash[0] + 31 * holds.contentHash() + 17 * keys.contentHash();
    }

    static long mix(final long v)
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
        /** One account's state. */
        void visit(long account, long balance, long debitsPending, long creditsPending, long overdraft, long lastTxId);
    }
}
