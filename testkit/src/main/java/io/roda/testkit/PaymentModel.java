package io.roda.testkit;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payment semantics of docs/SEMANTICS.md, executable: a reference ledger written straight from the
 * issue's text with exact (BigInteger) arithmetic, maps, and chains evaluated on a deep copy that is kept
 * or thrown away. No code is shared with the real implementation (it does not even see its enums): result
 * codes and operation types are the documented numbers.
 */
public final class PaymentModel
{
    /** Result codes, as documented. */
    public static final int OK = 0, INVALID_ACCOUNT = 1, SAME_ACCOUNT = 2, INVALID_AMOUNT = 3, ACCOUNT_EXISTS = 4,
        ACCOUNT_NOT_FOUND = 5, INSUFFICIENT_FUNDS = 6, OVERFLOW = 7, CAPACITY_EXCEEDED = 8, DUPLICATE = 9,
        KEY_REUSED = 10, HOLD_NOT_FOUND = 11, HOLD_ALREADY_POSTED = 12, HOLD_ALREADY_VOIDED = 13, HOLD_EXPIRED = 14,
        LINKED_EVENT_FAILED = 15;
    /** Operation types, as documented. */
    public static final int OPEN = 1, DEPOSIT = 2, WITHDRAW = 3, TRANSFER = 4, HOLD = 5, POST = 6, VOID = 7, TICK = 8;
    /** Hold states. */
    public static final int ACTIVE = 1, POSTED = 2, VOIDED = 3, EXPIRED = 4;

    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger MIN = MAX.negate();

    /**
     * One operation. {@code a}: account, from account, or the hold's id (post, void); {@code b}: to account;
     * {@code amount}: amount, the overdraft of an open, 0 for a whole post.
     */
    public record Op(int type, long a, long b, long amount, int timeout, boolean keyed, long keyHi, long keyLo)
    {
    }

    /** One account. */
    public static final class Account
    {
        /** Posted balance. */
        public BigInteger balance = BigInteger.ZERO;
        /** Sum of its active holds as from. */
        public BigInteger debitsPending = BigInteger.ZERO;
        /** Sum of its active holds as to. */
        public BigInteger creditsPending = BigInteger.ZERO;
        /** Overdraft. */
        public BigInteger overdraft = BigInteger.ZERO;

        Account copy()
        {
            final Account c = new Account();
            c.balance = balance;
            c.debitsPending = debitsPending;
            c.creditsPending = creditsPending;
            c.overdraft = overdraft;
            return c;
        }

        BigInteger available()
        {
            return balance.subtract(debitsPending).add(overdraft);
        }
    }

    private record Hold(long id, long from, long to, BigInteger amount, long expiresAt, int status)
    {
    }

    private record KeyUse(long txId, Op op)
    {
    }

    private record Key(long hi, long lo)
    {
    }

    private final long maxAccounts;
    private final int maxHolds;
    private final int window;
    private TreeMap<Long, Account> accounts = new TreeMap<>();
    private BigInteger system = BigInteger.ZERO;
    private LinkedHashMap<Long, Hold> holds = new LinkedHashMap<>();
    private Deque<Long> finishedOrder = new ArrayDeque<>();
    private LinkedHashMap<Key, KeyUse> keys = new LinkedHashMap<>();
    private java.util.TreeSet<long[]> timed = new java.util.TreeSet<>(TIMED_ORDER);
    private static final Comparator<long[]> TIMED_ORDER =
        Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]);
    private long lastTimestamp;
    private long lastDuplicateOf;

    /**
     * @param maxAccounts accounts besides the system account.
     * @param maxHolds    holds remembered (active ones always; finished ones while room).
     * @param window      keys remembered.
     */
    public PaymentModel(final long maxAccounts, final int maxHolds, final int window)
    {
        this.maxAccounts = maxAccounts;
        this.maxHolds = maxHolds;
        this.window = window;
    }

    /**
     * Applies a single operation or a chain (members in order, all but the last linked) as transactions
     * {@code firstTxId, firstTxId + 1, ...} at the given timestamps.
     *
     * @param duplicateOf receives, per member, the transaction that consumed the key for DUPLICATE / KEY_REUSED.
     * @return each member's result.
     */
    public int[] apply(final List<Op> ops, final long firstTxId, final long[] timestamps, final long[] duplicateOf)
    {
        expire(timestamps[0]);
        final int[] results = new int[ops.size()];
        if (ops.size() == 1)
        {
            results[0] = applyOp(ops.get(0), firstTxId, timestamps[0]);
            duplicateOf[0] = lastDuplicateOf;
            trim();
            return results;
        }
        final PaymentModel saved = copy();
        int failed = -1;
        for (int i = 0; i < ops.size(); i++)
        {
            results[i] = applyOp(ops.get(i), firstTxId + i, timestamps[i]);
            duplicateOf[i] = lastDuplicateOf;
            if (results[i] != OK)
            {
                failed = i;
                break;
            }
        }
        if (failed >= 0)
        {
            restoreFrom(saved);
            // every member's timestamp is consumed, those after the failing one (never evaluated) included
            lastTimestamp = timestamps[ops.size() - 1];
            for (int i = 0; i < ops.size(); i++)
            {
                if (i != failed)
                {
                    results[i] = LINKED_EVENT_FAILED;
                    duplicateOf[i] = 0;
                }
            }
        }
        trim();
        return results;
    }

    private void expire(final long now)
    {
        // timed holds by (expiry, id); entries of holds that finished otherwise are skipped when met
        final List<Hold> due = new ArrayList<>();
        while (!timed.isEmpty() && timed.first()[0] <= now)
        {
            final long[] e = timed.pollFirst();
            final Hold h = holds.get(e[1]);
            if (h != null && h.status == ACTIVE && h.expiresAt == e[0])
            {
                due.add(h);
            }
        }
        for (final Hold h : due)
        {
            final Account from = accounts.get(h.from);
            final Account to = accounts.get(h.to);
            from.debitsPending = from.debitsPending.subtract(h.amount);
            to.creditsPending = to.creditsPending.subtract(h.amount);
            finish(h, EXPIRED);
        }
        trim();
    }

    private void finish(final Hold h, final int status)
    {
        holds.put(h.id, new Hold(h.id, h.from, h.to, h.amount, h.expiresAt, status));
        finishedOrder.addLast(h.id);
    }

    private void trim()
    {
        while (keys.size() > window)
        {
            keys.remove(keys.keySet().iterator().next());
        }
        while (holds.size() > maxHolds && !finishedOrder.isEmpty())
        {
            holds.remove(finishedOrder.removeFirst());
        }
    }

    private int applyOp(final Op op, final long txId, final long timestamp)
    {
        if (timestamp <= lastTimestamp)
        {
            throw new IllegalArgumentException("timestamps must increase");
        }
        lastTimestamp = timestamp;
        lastDuplicateOf = 0;
        if (op.keyed)
        {
            final KeyUse use = keys.get(new Key(op.keyHi, op.keyLo));
            if (use != null)
            {
                lastDuplicateOf = use.txId;
                final Op o = use.op;
                final boolean same = o.type == op.type && o.a == op.a && o.b == op.b && o.amount == op.amount
                    && o.timeout == op.timeout;
                return same ? DUPLICATE : KEY_REUSED;
            }
        }
        final int result = rules(op, txId, timestamp);
        if (result == OK && op.keyed)
        {
            keys.put(new Key(op.keyHi, op.keyLo), new KeyUse(txId, op));
        }
        return result;
    }

    private static boolean outside(final BigInteger v)
    {
        return v.compareTo(MAX) > 0 || v.compareTo(MIN) < 0;
    }

    private int rules(final Op op, final long txId, final long now)
    {
        final BigInteger amount = BigInteger.valueOf(op.amount);
        switch (op.type)
        {
            case TICK:
                return OK;
            case OPEN:
            {
                if (op.a <= 0)
                {
                    return INVALID_ACCOUNT;
                }
                if (accounts.containsKey(op.a))
                {
                    return ACCOUNT_EXISTS;
                }
                if (accounts.size() >= maxAccounts)
                {
                    return CAPACITY_EXCEEDED;
                }
                final Account account = new Account();
                account.overdraft = amount;
                accounts.put(op.a, account);
                return OK;
            }
            case DEPOSIT:
            case WITHDRAW:
            {
                if (op.a <= 0)
                {
                    return INVALID_ACCOUNT;
                }
                if (op.amount <= 0)
                {
                    return INVALID_AMOUNT;
                }
                final Account account = accounts.get(op.a);
                if (account == null)
                {
                    return ACCOUNT_NOT_FOUND;
                }
                if (op.type == WITHDRAW && account.available().compareTo(amount) < 0)
                {
                    return INSUFFICIENT_FUNDS;
                }
                final BigInteger balance = op.type == DEPOSIT ? account.balance.add(amount) : account.balance.subtract(amount);
                final BigInteger sys = op.type == DEPOSIT ? system.subtract(amount) : system.add(amount);
                if (outside(balance) || outside(sys))
                {
                    return OVERFLOW;
                }
                account.balance = balance;
                system = sys;
                return OK;
            }
            case TRANSFER:
            case HOLD:
            {
                if (op.a <= 0 || op.b <= 0)
                {
                    return INVALID_ACCOUNT;
                }
                if (op.a == op.b)
                {
                    return SAME_ACCOUNT;
                }
                if (op.amount <= 0)
                {
                    return INVALID_AMOUNT;
                }
                final Account from = accounts.get(op.a);
                final Account to = accounts.get(op.b);
                if (from == null || to == null)
                {
                    return ACCOUNT_NOT_FOUND;
                }
                if (from.available().compareTo(amount) < 0)
                {
                    return INSUFFICIENT_FUNDS;
                }
                if (op.type == TRANSFER)
                {
                    if (outside(to.balance.add(amount)) || outside(from.balance.subtract(amount)))
                    {
                        return OVERFLOW;
                    }
                    from.balance = from.balance.subtract(amount);
                    to.balance = to.balance.add(amount);
                    return OK;
                }
                if (outside(from.debitsPending.add(amount)) || outside(to.creditsPending.add(amount)))
                {
                    return OVERFLOW;
                }
                if (holds.size() - finishedOrder.size() >= maxHolds)
                {
                    return CAPACITY_EXCEEDED;
                }
                from.debitsPending = from.debitsPending.add(amount);
                to.creditsPending = to.creditsPending.add(amount);
                final long expiresAt = op.timeout == 0 ? 0 : now + op.timeout * 1_000_000_000L;
                holds.put(txId, new Hold(txId, op.a, op.b, amount, expiresAt, ACTIVE));
                if (expiresAt != 0)
                {
                    timed.add(new long[] {expiresAt, txId});
                }
                return OK;
            }
            case POST:
            case VOID:
            {
                final Hold h = holds.get(op.a);
                if (h == null)
                {
                    return HOLD_NOT_FOUND;
                }
                switch (h.status)
                {
                    case POSTED: return HOLD_ALREADY_POSTED;
                    case VOIDED: return HOLD_ALREADY_VOIDED;
                    case EXPIRED: return HOLD_EXPIRED;
                    default: break;
                }
                final Account from = accounts.get(h.from);
                final Account to = accounts.get(h.to);
                if (op.type == VOID)
                {
                    from.debitsPending = from.debitsPending.subtract(h.amount);
                    to.creditsPending = to.creditsPending.subtract(h.amount);
                    finish(h, VOIDED);
                    return OK;
                }
                if (op.amount < 0 || amount.compareTo(h.amount) > 0)
                {
                    return INVALID_AMOUNT;
                }
                final BigInteger moved = op.amount == 0 ? h.amount : amount;
                if (outside(to.balance.add(moved)) || outside(from.balance.subtract(moved)))
                {
                    return OVERFLOW;
                }
                from.debitsPending = from.debitsPending.subtract(h.amount);
                to.creditsPending = to.creditsPending.subtract(h.amount);
                from.balance = from.balance.subtract(moved);
                to.balance = to.balance.add(moved);
                finish(h, POSTED);
                return OK;
            }
            default:
                throw new IllegalArgumentException("type " + op.type);
        }
    }

    private PaymentModel copy()
    {
        final PaymentModel c = new PaymentModel(maxAccounts, maxHolds, window);
        c.restoreFrom(this);
        return c;
    }

    private void restoreFrom(final PaymentModel o)
    {
        accounts = new TreeMap<>();
        o.accounts.forEach((id, a) -> accounts.put(id, a.copy()));
        system = o.system;
        holds = new LinkedHashMap<>(o.holds);
        finishedOrder = new ArrayDeque<>(o.finishedOrder);
        keys = new LinkedHashMap<>(o.keys);
        timed = new java.util.TreeSet<>(TIMED_ORDER);
        timed.addAll(o.timed);
        lastTimestamp = o.lastTimestamp;
    }

    /** @return account id to {balance, debits pending, credits pending, overdraft}, system account 0 included. */
    public TreeMap<Long, List<BigInteger>> accounts()
    {
        final TreeMap<Long, List<BigInteger>> all = new TreeMap<>();
        all.put(0L, List.of(system, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO));
        accounts.forEach((id, a) -> all.put(id, List.of(a.balance, a.debitsPending, a.creditsPending, a.overdraft)));
        return all;
    }

    /** @return hold id to its status, for every remembered hold. */
    public Map<Long, Integer> holdStates()
    {
        final Map<Long, Integer> all = new HashMap<>();
        holds.forEach((id, h) -> all.put(id, h.status));
        return all;
    }

    /** @return the transaction that consumed the key, or 0. */
    public long transactionForKey(final long hi, final long lo)
    {
        final KeyUse use = keys.get(new Key(hi, lo));
        return use == null ? 0 : use.txId;
    }

    /** @return the timestamp of the last transaction. */
    public long lastTimestamp()
    {
        return lastTimestamp;
    }
}
