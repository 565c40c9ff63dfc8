package io.roda.ledger;

import java.util.UUID;

import io.roda.core.OpType;
import io.roda.core.TxJournalDescriptor;
import io.roda.sequencer.SubmissionRing;

/**
 * Builds a group of operations and submits it as one unit, with one claim of the submission ring: consecutive
 * ids, nothing between them. From {@link Ledger#chainBuilder()} the group is a <b>linked chain</b>: all apply or
 * none ({@link Ledger#submitChain(Operation...)} explains chains). From {@link Ledger#batchBuilder()} it is a
 * <b>batch</b>: each operation applies on its own, exactly as if submitted alone, but the whole batch costs one
 * submission instead of one per operation. Reusable: {@link #submit()} empties it. Not thread-safe: one builder
 * per submitting thread. Adding and submitting allocate nothing.
 *
 * <pre>{@code
 * ChainBuilder chain = ledger.chainBuilder();
 * long first = chain.transfer(payer, merchant, 10_000).key(orderHi, orderLo)
 *                   .transfer(payer, feeAccount, 150)
 *                   .submit();         // ids first and first + 1; both apply or neither
 * }</pre>
 */
public final class ChainBuilder
{
    private final Ledger ledger;
    private final int capacity;
    private final long[] packed;
    private final boolean linked;
    private int count;

    ChainBuilder(final Ledger ledger, final int capacity)
    {
        this(ledger, capacity, true);
    }

    /** @param linked true: a chain (all or none); false: a batch of independent operations. */
    ChainBuilder(final Ledger ledger, final int capacity, final boolean linked)
    {
        this.ledger = ledger;
        this.capacity = capacity;
        this.linked = linked;
        this.packed = new long[Math.max(1, capacity) * SubmissionRing.FIELDS];
    }

    private ChainBuilder add(final int type, final int timeout, final long account, final long to, final long amount)
    {
        if (count == capacity)
        {
            throw new IllegalArgumentException("a " + (linked ? "chain" : "batch") + " has at most " + capacity
                + " operations");
        }
        final int at = count * SubmissionRing.FIELDS;
        packed[at + SubmissionRing.F_HEAD] = SubmissionRing.pack(type, 0, timeout);
        packed[at + SubmissionRing.F_ACCOUNT] = account;
        packed[at + SubmissionRing.F_TO] = to;
        packed[at + SubmissionRing.F_AMOUNT] = amount;
        packed[at + SubmissionRing.F_KEY_HI] = 0;
        packed[at + SubmissionRing.F_KEY_LO] = 0;
        count++;
        return this;
    }

    /** Adds an operation. @return this builder. */
    public ChainBuilder add(final Operation operation)
    {
        add(operation.type().code(), operation.timeout(), operation.account(), operation.toAccount(), operation.amount());
        if (operation.keyed())
        {
            key(operation.keyHi(), operation.keyLo());
        }
        return this;
    }

    /** Adds an open. @return this builder. */
    public ChainBuilder open(final long account, final long overdraft)
    {
        if (overdraft < 0)
        {
            throw new IllegalArgumentException("overdraft must be in 0..2^63-1, was " + overdraft);
        }
        return add(OpType.OPEN_CODE, 0, account, 0, overdraft);
    }

    /** Adds a deposit. @return this builder. */
    public ChainBuilder deposit(final long account, final long amount)
    {
        return add(OpType.DEPOSIT_CODE, 0, account, 0, amount);
    }

    /** Adds a withdrawal. @return this builder. */
    public ChainBuilder withdraw(final long account, final long amount)
    {
        return add(OpType.WITHDRAW_CODE, 0, account, 0, amount);
    }

    /** Adds a transfer. @return this builder. */
    public ChainBuilder transfer(final long from, final long to, final long amount)
    {
        return add(OpType.TRANSFER_CODE, 0, from, to, amount);
    }

    /** Adds a hold; it may be posted or voided by a later member, by its transaction id. @return this builder. */
    public ChainBuilder hold(final long from, final long to, final long amount, final int timeoutSeconds)
    {
        if (timeoutSeconds < 0)
        {
            throw new IllegalArgumentException("hold timeout must be in 0..2^31-1 seconds, was " + timeoutSeconds);
        }
        return add(OpType.HOLD_CODE, timeoutSeconds, from, to, amount);
    }

    /** Adds a post. @return this builder. */
    public ChainBuilder post(final long holdTxId, final long amount)
    {
        return add(OpType.POST_CODE, 0, holdTxId, 0, amount);
    }

    /** Adds a void. @return this builder. */
    public ChainBuilder voidHold(final long holdTxId)
    {
        return add(OpType.VOID_CODE, 0, holdTxId, 0, 0);
    }

    /**
     * Gives the last added operation the idempotency key {@code (hi, lo)}.
     *
     * @return this builder.
     * @throws IllegalArgumentException when the chain is empty, the last operation is an open, or the key is 0.
     */
    public ChainBuilder key(final long hi, final long lo)
    {
        if (count == 0)
        {
            throw new IllegalArgumentException("key() needs an operation to key");
        }
        final int at = (count - 1) * SubmissionRing.FIELDS;
        final long head = packed[at + SubmissionRing.F_HEAD];
        if (SubmissionRing.type(head) == OpType.OPEN_CODE)
        {
            throw new IllegalArgumentException("open takes no idempotency key");
        }
        if (hi == 0 && lo == 0)
        {
            throw new IllegalArgumentException("idempotency key 0 is not a key (keys are 1..2^128-1)");
        }
        packed[at + SubmissionRing.F_HEAD] = SubmissionRing.pack(SubmissionRing.type(head),
            SubmissionRing.flags(head) | TxJournalDescriptor.KEYED, SubmissionRing.timeout(head));
        packed[at + SubmissionRing.F_KEY_HI] = hi;
        packed[at + SubmissionRing.F_KEY_LO] = lo;
        return this;
    }

    /** As {@link #key(long, long)} with a UUID. */
    public ChainBuilder key(final UUID key)
    {
        return key(key.getMostSignificantBits(), key.getLeastSignificantBits());
    }

    /** @return operations added so far. */
    public int size()
    {
        return count;
    }

    /** Forgets the operations added so far. */
    public void clear()
    {
        count = 0;
    }

    /** @return the most operations this builder holds: {@link LedgerConfig#maxChain()}. */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Submits the chain (or batch) and empties the builder.
     *
     * @return the first member's transaction id; member i has {@code first + i}.
     * @throws IllegalArgumentException when the builder is empty.
     */
    public long submit()
    {
        if (count == 0)
        {
            throw new IllegalArgumentException("an empty " + (linked ? "chain" : "batch") + " cannot be submitted");
        }
        for (int i = 0; i < count; i++)
        {
            final int at = i * SubmissionRing.FIELDS;
            final long head = packed[at + SubmissionRing.F_HEAD];
            final int flags = (SubmissionRing.flags(head) & ~TxJournalDescriptor.LINKED)
                | (linked && i < count - 1 ? TxJournalDescriptor.LINKED : 0);
            packed[at + SubmissionRing.F_HEAD] = SubmissionRing.pack(SubmissionRing.type(head), flags,
                SubmissionRing.timeout(head));
        }
        final int n = count;
        count = 0;
        return ledger.submitChain(packed, n);
    }
}
