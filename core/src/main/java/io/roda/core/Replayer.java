package io.roda.core;

/**
 * Re-executes recorded transactions (WAL or journal records) through {@link LedgerState} exactly as the
 * transactor ran them, and checks each result against the recorded one: recovery and the snapshotter use it,
 * so they run the same rules the transactor did. Linked members are buffered until the chain's last member,
 * then the chain is evaluated as a unit. Owner thread only.
 */
public final class Replayer
{
    /** Receives the outcome of each replayed transaction, in order. */
    @FunctionalInterface
    public interface Outcome
    {
        /** One transaction's result, timestamp and (DUPLICATE, KEY_REUSED) the transaction that consumed its key. */
        void onResult(long txId, byte result, long timestamp, long duplicateOf);
    }

    /**
     * Watches each operation as it is applied, in apply order, chain members included (a member's later
     * rollback is told by its {@link Outcome}). Lets a replica see the state right before and right after
     * each operation, e.g. to publish post-balances.
     */
    public interface ApplyObserver
    {
        /** Right before transaction {@code txId} is applied (its chain, if any, has begun). */
        void beforeApply(long txId, int type, long account, long to, long amount);

        /** Right after transaction {@code txId} was applied with {@code result} (for a chain member: so far). */
        void afterApply(long txId, int type, long account, long to, long amount, byte result);
    }

    /** A recorded transaction that does not replay as recorded, or cannot be replayed at all. */
    public static final class ReplayException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final long txId;

        ReplayException(final long txId, final String message, final Throwable cause)
        {
            super(message, cause);
            this.txId = txId;
        }

        /** @return the transaction at fault. */
        public long txId()
        {
            return txId;
        }
    }

    private final LedgerState state;
    private final int maxChain;
    private final long[] txIds;
    private final long[] stamps;
    private final int[] types;
    private final int[] flags;
    private final int[] timeouts;
    private final long[] accounts;
    private final long[] tos;
    private final long[] amounts;
    private final long[] keyHis;
    private final long[] keyLos;
    private final byte[] recorded;
    private final byte[] actual;
    private int buffered;
    private long lastApplied;
    private ApplyObserver observer;

    /** @param state the state to replay into; {@code lastApplied} starts at 0. */
    public Replayer(final LedgerState state)
    {
        this.state = state;
        this.maxChain = state.maxChain();
        txIds = new long[maxChain];
        stamps = new long[maxChain];
        types = new int[maxChain];
        flags = new int[maxChain];
        timeouts = new int[maxChain];
        accounts = new long[maxChain];
        tos = new long[maxChain];
        amounts = new long[maxChain];
        keyHis = new long[maxChain];
        keyLos = new long[maxChain];
        recorded = new byte[maxChain];
        actual = new byte[maxChain];
    }

    /** Sets (or clears, with null) the observer told about every operation applied from now on. */
    public void observer(final ApplyObserver observer)
    {
        this.observer = observer;
    }

    /**
     * Replays one record.
     *
     * @param outcome receives every transaction completed by this record (none while a chain is buffered); may be null.
     * @throws ReplayException when a result differs from the recorded one, or the record cannot be applied.
     */
    public void accept(final long txId, final long timestamp, final int type, final int flags, final int timeout,
        final long account, final long to, final long amount, final long keyHi, final long keyLo,
        final int recordedResult, final Outcome outcome)
    {
        final boolean keyed = (flags & TxJournalDescriptor.KEYED) != 0;
        if (buffered == 0 && (flags & TxJournalDescriptor.LINKED) == 0)
        {
            final byte result;
            try
            {
                if (observer != null)
                {
                    state.expire(timestamp); // what applyOne does first, so that beforeApply sees the state it applies to
                    observer.beforeApply(txId, type, account, to, amount);
                }
                result = state.applyOne(txId, timestamp, type, account, to, amount, timeout, keyed, keyHi, keyLo);
                if (observer != null)
                {
                    observer.afterApply(txId, type, account, to, amount, result);
                }
            }
            catch (final IllegalArgumentException | IllegalStateException e)
            {
                throw new ReplayException(txId, "transaction " + txId + ": " + e.getMessage(), e);
            }
            check(txId, result, recordedResult);
            lastApplied = txId;
            if (outcome != null)
            {
                outcome.onResult(txId, result, timestamp, state.duplicateOf());
            }
            return;
        }
        if (buffered == maxChain)
        {
            throw new ReplayException(txId, "transaction " + txId + " makes a linked chain longer than "
                + maxChain + " members", null);
        }
        if (buffered > 0 && timestamp <= stamps[buffered - 1])
        {
            throw new ReplayException(txId, "transaction " + txId + " has timestamp " + timestamp
                + ", not after the previous member of its chain (" + stamps[buffered - 1] + ")", null);
        }
        final int i = buffered++;
        txIds[i] = txId;
        stamps[i] = timestamp;
        types[i] = type;
        this.flags[i] = flags;
        timeouts[i] = timeout;
        accounts[i] = account;
        tos[i] = to;
        amounts[i] = amount;
        keyHis[i] = keyHi;
        keyLos[i] = keyLo;
        recorded[i] = (byte)recordedResult;
        if ((flags & TxJournalDescriptor.LINKED) == 0)
        {
            replayChain(outcome);
        }
    }

    private void replayChain(final Outcome outcome)
    {
        final int count = buffered;
        buffered = 0;
        int failed = -1;
        long original = 0;
        try
        {
            state.beginChain(stamps[0]);
            for (int i = 0; i < count && failed < 0; i++)
            {
                if (observer != null)
                {
                    observer.beforeApply(txIds[i], types[i], accounts[i], tos[i], amounts[i]);
                }
                actual[i] = state.apply(txIds[i], stamps[i], types[i], accounts[i], tos[i], amounts[i], timeouts[i],
                    (flags[i] & TxJournalDescriptor.KEYED) != 0, keyHis[i], keyLos[i]);
                if (observer != null)
                {
                    observer.afterApply(txIds[i], types[i], accounts[i], tos[i], amounts[i], actual[i]);
                }
                if (actual[i] != 0)
                {
                    failed = i;
                    original = state.duplicateOf();
                }
            }
            state.endChain(failed < 0, stamps[count - 1]);
        }
        catch (final IllegalArgumentException | IllegalStateException e)
        {
            if (state.inChain())
            {
                state.endChain(false, Math.max(stamps[count - 1], state.lastTimestamp()));
            }
            throw new ReplayException(txIds[0], "chain of transactions " + txIds[0] + ".." + txIds[count - 1] + ": "
                + e.getMessage(), e);
        }
        for (int i = 0; i < count; i++)
        {
            final byte result = failed < 0 ? Result.OK.code()
                : i == failed ? actual[i] : Result.LINKED_EVENT_FAILED.code();
            check(txIds[i], result, recorded[i]);
        }
        lastApplied = txIds[count - 1];
        if (outcome != null)
        {
            for (int i = 0; i < count; i++)
            {
                final byte result = failed < 0 ? Result.OK.code()
                    : i == failed ? actual[i] : Result.LINKED_EVENT_FAILED.code();
                outcome.onResult(txIds[i], result, stamps[i], i == failed ? original : 0);
            }
        }
    }

    private static void check(final long txId, final byte actual, final int recorded)
    {
        if (actual != (byte)recorded)
        {
            throw new ReplayException(txId, "transaction " + txId + " replays as " + name(actual)
                + " but was recorded as " + name(recorded), null);
        }
    }

    private static String name(final int code)
    {
        try
        {
            return Result.fromCode(code).name();
        }
        catch (final IllegalArgumentException e)
        {
            return "code " + code;
        }
    }

    /** @return whether linked members wait for their chain's last member. */
    public boolean midChain()
    {
        return buffered > 0;
    }

    /** @return the first transaction of the chain being buffered, or 0. */
    public long chainStart()
    {
        return buffered > 0 ? txIds[0] : 0;
    }

    /** @return the last transaction fully replayed (0 before any). */
    public long lastApplied()
    {
        return lastApplied;
    }

    /** @return the state replayed into. */
    public LedgerState state()
    {
        return state;
    }
}
