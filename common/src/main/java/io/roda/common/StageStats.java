package io.roda.common;

import javax.management.ConstructorParameters;
import java.util.Arrays;

/**
 * What one stage did, read from its {@link StageCounters}: an immutable value, also the composite type of the
 * ledger's JMX attributes (hence the {@code get} names). Times are nanoseconds of the stage thread's running
 * time; every busy loop is one batch.
 */
public final class StageStats
{
    private final String stage;
    private final long items;
    private final long batches;
    private final long idleLoops;
    private final long blockedLoops;
    private final long busyNanos;
    private final long idleNanos;
    private final long blockedNanos;
    private final long ioOperations;
    private final long ioNanos;
    private final long cpuNanos;
    private final long[] batchHistogram;

    /**
     * @param batchHistogram {@link StageCounters#BUCKETS} counts; bucket k counts batches of 2^k .. 2^(k+1)-1 items.
     */
    @ConstructorParameters({"stage", "items", "batches", "idleLoops", "blockedLoops", "busyNanos",
        "idleNanos", "blockedNanos", "ioOperations", "ioNanos", "cpuNanos", "batchHistogram"})
    public StageStats(final String stage, final long items, final long batches,
        final long idleLoops, final long blockedLoops, final long busyNanos, final long idleNanos,
        final long blockedNanos, final long ioOperations, final long ioNanos, final long cpuNanos,
        final long[] batchHistogram)
    {
        this.stage = stage;
        this.items = items;
        this.batches = batches;
        this.idleLoops = idleLoops;
        this.blockedLoops = blockedLoops;
        this.busyNanos = busyNanos;
        this.idleNanos = idleNanos;
        this.blockedNanos = blockedNanos;
        this.ioOperations = ioOperations;
        this.ioNanos = ioNanos;
        this.cpuNanos = cpuNanos;
        this.batchHistogram = batchHistogram.clone();
    }

    /** @return what changed from {@code earlier} (taken from the same stage) to this. */
    public StageStats minus(final StageStats earlier)
    {
        final long[] histogram = new long[batchHistogram.length];
        for (int i = 0; i < histogram.length; i++)
        {
            histogram[i] = batchHistogram[i] - earlier.batchHistogram[i];
        }
        return new StageStats(stage, items - earlier.items, batches - earlier.batches,
            idleLoops - earlier.idleLoops, blockedLoops - earlier.blockedLoops, busyNanos - earlier.busyNanos,
            idleNanos - earlier.idleNanos, blockedNanos - earlier.blockedNanos, ioOperations - earlier.ioOperations,
            ioNanos - earlier.ioNanos, cpuNanos < 0 || earlier.cpuNanos < 0 ? -1 : cpuNanos - earlier.cpuNanos,
            histogram);
    }

    /** @return the stage's name: sequencer, transactor, wal or snapshotter. */
    public String getStage()
    {
        return stage;
    }

    /** @return items handled (operations moved, transactions applied, records written or replayed). */
    public long getItems()
    {
        return items;
    }

    /** @return batches: loops that did work. */
    public long getBatches()
    {
        return batches;
    }

    /** @return items per batch (0 when none). */
    public double getMeanBatch()
    {
        return batches == 0 ? 0 : (double)items / batches;
    }

    /** @return loops that did work (equal to batches). */
    public long getBusyLoops()
    {
        return batches; // every busy loop is one batch
    }

    /** @return loops that found no input. */
    public long getIdleLoops()
    {
        return idleLoops;
    }

    /** @return loops that found input but no room downstream. */
    public long getBlockedLoops()
    {
        return blockedLoops;
    }

    /** @return nanoseconds spent in loops that did work (I/O included). */
    public long getBusyNanos()
    {
        return busyNanos;
    }

    /** @return nanoseconds spent in loops without input, waits of the idle strategy included. */
    public long getIdleNanos()
    {
        return idleNanos;
    }

    /** @return nanoseconds spent waiting for room in a full downstream ring. */
    public long getBlockedNanos()
    {
        return blockedNanos;
    }

    /** @return I/O operations: WAL frames written and forced, or snapshots written. */
    public long getIoOperations()
    {
        return ioOperations;
    }

    /** @return nanoseconds spent in those I/O operations (part of the busy time). */
    public long getIoNanos()
    {
        return ioNanos;
    }

    /**
     * @return CPU time the stage's thread used, as the OS counts it (-1 when the JVM cannot tell). Unlike busy
     *     time, it excludes time the thread was descheduled or waiting for a force, and includes the CPU its
     *     idle strategy burnt spinning.
     */
    public long getCpuNanos()
    {
        return cpuNanos;
    }

    /** @return CPU nanoseconds per item (-1 when unknown, 0 when no items). */
    public double getCpuNanosPerItem()
    {
        return cpuNanos < 0 ? -1 : items == 0 ? 0 : (double)cpuNanos / items;
    }

    /** @return busy time ÷ running time, 0..1 (0 before the stage ran). */
    public double getBusyRatio()
    {
        final long total = busyNanos + idleNanos + blockedNanos;
        return total <= 0 ? 0 : (double)busyNanos / total;
    }

    /** @return blocked time ÷ running time, 0..1. */
    public double getBlockedRatio()
    {
        final long total = busyNanos + idleNanos + blockedNanos;
        return total <= 0 ? 0 : (double)blockedNanos / total;
    }

    /** @return busy nanoseconds per item (0 when none): the stage's cost per item while it works. */
    public double getBusyNanosPerItem()
    {
        return items == 0 ? 0 : (double)busyNanos / items;
    }

    /** @return bucket k counts batches of 2^k .. 2^(k+1)-1 items; a copy. */
    public long[] getBatchHistogram()
    {
        return batchHistogram.clone();
    }

    /**
     * @return the smallest batch size b (a power of two) such that at least {@code fraction} of the batches
     *     held fewer than 2b items; 0 when there were no batches.
     */
    public long batchPercentile(final double fraction)
    {
        long seen = 0;
        for (int k = 0; k < batchHistogram.length; k++)
        {
            seen += batchHistogram[k];
            if (batches > 0 && seen >= fraction * batches)
            {
                return 1L << k;
            }
        }
        return 0;
    }

    @Override
    public String toString()
    {
        return stage + "{items=" + items + ", batches=" + batches + ", idleLoops="
            + idleLoops + ", blockedLoops=" + blockedLoops + ", busyNanos=" + busyNanos + ", idleNanos=" + idleNanos
            + ", blockedNanos=" + blockedNanos + ", ioOperations=" + ioOperations + ", ioNanos=" + ioNanos
            + ", cpuNanos=" + cpuNanos + ", batchHistogram=" + Arrays.toString(batchHistogram) + "}";
    }
}
