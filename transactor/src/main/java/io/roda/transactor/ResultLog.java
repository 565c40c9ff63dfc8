package io.roda.transactor;

import java.lang.invoke.VarHandle;

import io.roda.common.ProgressIndex;

/**
 * The result code, timestamp and (for DUPLICATE and KEY_REUSED) the transaction that consumed the key, of
 * each of the most recent {@code capacity} transactions, for status queries: rings indexed by transaction
 * id (17 bytes per transaction), written by the transactor and read by any thread. Before it overwrites a
 * slot the transactor raises {@link #writeLimit()}, so a reader can tell that what it read has been recycled.
 */
public final class ResultLog
{
    private final byte[] results;
    private final long[] timestamps;
    private final long[] duplicateOf;
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
        this.timestamps = new long[capacity];
        this.duplicateOf = new long[capacity];
        this.mask = capacity - 1;
    }

    /** Transactor only: announces that results up to {@code txId} are about to be written. */
    public void reserve(final long txId)
    {
        writeLimit.set(txId);
        VarHandle.storeStoreFence();
    }

    /** Transactor only: stores one result (plain; published by the compute index's release). */
    public void put(final long txId, final byte result, final long timestamp, final long original)
    {
        final int at = (int)txId & mask;
        results[at] = result;
        timestamps[at] = timestamp;
        duplicateOf[at] = original;
    }

    /**
     * Any thread, for a {@code txId} at or below the compute index it read with acquire.
     *
     * @param dst receives {@code [timestamp, duplicateOf]}; may be null.
     * @return the result code, or -1 when it is no longer retained.
     */
    public int get(final long txId, final long[] dst)
    {
        final int at = (int)txId & mask;
        final byte result = results[at];
        final long timestamp = timestamps[at];
        final long original = duplicateOf[at];
        VarHandle.loadLoadFence();
        if (writeLimit.get() - txId > mask)
        {
            return -1;
        }
        if (dst != null)
        {
            dst[0] = timestamp;
            dst[1] = original;
        }
        return result;
    }

    /** As {@link #get(long, long[])} without the timestamp. */
    public int get(final long txId)
    {
        return get(txId, null);
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
