package io.roda.transactor;

import java.lang.invoke.VarHandle;

import io.roda.common.ProgressIndex;

/**
 * The result code of each of the most recent {@code capacity} transactions, for status queries: a ring
 * of bytes indexed by transaction id, written by the transactor and read by any thread. Before it
 * overwrites a slot the transactor raises {@link #writeLimit()}, so a reader can tell that a result it
 * read has been recycled.
 */
public final class ResultLog
{
    private final byte[] results;
    private final int mask;
    private final ProgressIndex writeLimit = new ProgressIndex(0);

    /** @param capacity results kept, a power of two. */
    public ResultLog(final int capacity)
    {
        if (capacity < 1 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("result log capacity must be a power of two, was " + capacity);
        }
        this.results = new byte[capacity];
        this.mask = capacity - 1;
    }

    /** Transactor only: announces that results up to {@code txId} are about to be written. */
    public void reserve(final long txId)
    {
        writeLimit.set(txId);
        VarHandle.storeStoreFence();
    }

    /** Transactor only: stores one result (plain; published by the compute index's release). */
    public void put(final long txId, final byte result)
    {
        results[(int)txId & mask] = result;
    }

    /**
     * Any thread, for a {@code txId} at or below the compute index it read with acquire.
     *
     * @return the result code, or -1 when it is no longer retained.
     */
    public int get(final long txId)
    {
        final byte result = results[(int)txId & mask];
        VarHandle.loadLoadFence();
        return writeLimit.get() - txId > mask ? -1 : result;
    }

    ProgressIndex writeLimit()
    {
        return writeLimit;
    }

    /** @return results kept. */
    public int capacity()
    {
        return results.length;
    }
}
