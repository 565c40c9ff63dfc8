package io.roda.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class StageCountersLhsPadding
{
    protected long p1, p2, p3, p4, p5, p6, p7;
}

abstract class StageCountersFields extends StageCountersLhsPadding
{
    protected long version; // seqlock: odd while the stage thread updates the counters
    protected long items;
    protected long batches;
    protected long idleLoops;
    protected long blockedLoops;
    protected long busyNanos;
    protected long idleNanos;
    protected long blockedNanos;
    protected long ioOperations;
    protected long ioNanos;
    protected boolean blockedThisLoop;
}

abstract class StageCountersRhsPadding extends StageCountersFields
{
    protected long p9, p10, p11, p12, p13, p14, p15;
}

/**
 * Per-stage counters cheap enough to leave on in production: written only by the stage's own thread, with
 * opaque stores (a plain {@code mov} on x86, but never hoisted out of the loop or torn) under a seqlock (a
 * version made odd before and even after each update: two more plain stores per loop), and read by any thread,
 * which retries while an update is in progress. So every reading ({@link #stats()}) is one consistent cut: its
 * histogram sums to its batch count, and its items belong to the same loops.
 *
 * <p>The {@link AgentRunner} keeps them: it reads {@link System#nanoTime()} once per loop of the stage and
 * charges the time since the previous reading to that loop's kind. A loop is <b>busy</b> when
 * {@link Agent#doWork()} did work, <b>blocked</b> when it did none because the stage's downstream ring was
 * full (the agent says so with {@link #blocked()}), and <b>idle</b> otherwise (no input). So
 * {@code busyNanos + blockedNanos + idleNanos} is the stage's whole running time. Each busy loop is one
 * <b>batch</b> of {@code doWork()}'s count of <b>items</b>; batch sizes go into a power-of-two histogram.
 * Stages that do I/O also count its operations and time ({@link #io}): WAL frames written and forced,
 * snapshots written; that time is part of the busy time.
 *
 * <p>Padded to its own cache lines like {@link ProgressIndex}, and the histogram array too, so the stage's
 * stores never invalidate a line another thread uses.
 */
public final class StageCounters extends StageCountersRhsPadding
{
    /** Buckets of the batch-size histogram: bucket k counts batches of 2^k .. 2^(k+1)-1 items. */
    public static final int BUCKETS = 32;
    private static final int PAD = 8; // longs before and after the buckets: a cache line each side
    private static final VarHandle VERSION;
    private static final VarHandle ITEMS;
    private static final VarHandle BATCHES;
    private static final VarHandle IDLE_LOOPS;
    private static final VarHandle BLOCKED_LOOPS;
    private static final VarHandle BUSY_NANOS;
    private static final VarHandle IDLE_NANOS;
    private static final VarHandle BLOCKED_NANOS;
    private static final VarHandle IO_OPERATIONS;
    private static final VarHandle IO_NANOS;
    private static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            VERSION = lookup.findVarHandle(StageCountersFields.class, "version", long.class);
            ITEMS = lookup.findVarHandle(StageCountersFields.class, "items", long.class);
            BATCHES = lookup.findVarHandle(StageCountersFields.class, "batches", long.class);
            IDLE_LOOPS = lookup.findVarHandle(StageCountersFields.class, "idleLoops", long.class);
            BLOCKED_LOOPS = lookup.findVarHandle(StageCountersFields.class, "blockedLoops", long.class);
            BUSY_NANOS = lookup.findVarHandle(StageCountersFields.class, "busyNanos", long.class);
            IDLE_NANOS = lookup.findVarHandle(StageCountersFields.class, "idleNanos", long.class);
            BLOCKED_NANOS = lookup.findVarHandle(StageCountersFields.class, "blockedNanos", long.class);
            IO_OPERATIONS = lookup.findVarHandle(StageCountersFields.class, "ioOperations", long.class);
            IO_NANOS = lookup.findVarHandle(StageCountersFields.class, "ioNanos", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = threads();
    private final String stage;
    private volatile long threadId = -1;
    private final long[] histogram = new long[PAD + BUCKETS + PAD];

    /** @param stage the stage's name, e.g. {@code transactor}. */
    public StageCounters(final String stage)
    {
        this.stage = stage;
    }

    private static java.lang.management.ThreadMXBean threads()
    {
        try
        {
            final java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
            return bean.isThreadCpuTimeSupported() ? bean : null;
        }
        catch (final Throwable unsupported)
        {
            return null;
        }
    }

    /** Stage thread (the {@link AgentRunner}), before its first loop: whose CPU time {@link #stats()} reports. */
    void bindThread(final Thread thread)
    {
        threadId = thread.getId();
    }

    /** @return the stage's name.
    public String stage()
    {
        return stage;
    }

    /**
     * Stage thread, inside {@link Agent#doWork()}: this loop found input it could not take because the stage's
     * downstream ring is full. A loop that still did some work counts as busy.
     */
    public void blocked()
    {
        blockedThisLoop = true;
    }

    /**
     * Stage thread: one I/O operation (a WAL frame written and forced, a snapshot written) took {@code nanos}.
     */
    public void io(final long nanos)
    {
        beginUpdate();
        IO_OPERATIONS.setOpaque(this, ioOperations + 1);
        IO_NANOS.setOpaque(this, ioNanos + nanos);
        endUpdate();
    }

    private void beginUpdate()
    {
        VERSION.setOpaque(this, version + 1);
        VarHandle.storeStoreFence(); // the odd version is visible before any counter it guards
    }

    private void endUpdate()
    {
        VERSION.setRelease(this, version + 1);
    }

    /**
     * Stage thread (the {@link AgentRunner}): a loop of the stage ended.
     *
     * @param work  what {@link Agent#doWork()} returned.
     * @param nanos the loop's duration, including any wait of the idle strategy.
     */
    void onLoop(final int work, final long nanos)
    {
        beginUpdate();
        if (work > 0)
        {
            ITEMS.setOpaque(this, items + work);
            BATCHES.setOpaque(this, batches + 1);
            BUSY_NANOS.setOpaque(this, busyNanos + nanos);
            final int bucket = PAD + 31 - Integer.numberOfLeadingZeros(work);
            BUCKET.setOpaque(histogram, bucket, histogram[bucket] + 1);
        }
        else if (blockedThisLoop)
        {
            BLOCKED_LOOPS.setOpaque(this, blockedLoops + 1);
            BLOCKED_NANOS.setOpaque(this, blockedNanos + nanos);
        }
        else
        {
            IDLE_LOOPS.setOpaque(this, idleLoops + 1);
            IDLE_NANOS.setOpaque(this, idleNanos + nanos);
        }
        blockedThisLoop = false;
        endUpdate();
    }

    /** @return the CPU time the stage's thread has used (the OS's count, read once per {@link #stats()}), or -1. */
    private long cpuNanos()
    {
        final long id = threadId;
        if (id < 0 || THREADS == null)
        {
            return -1;
        }
        try
        {
            return THREADS.getThreadCpuTime(id);
        }
        catch (final Throwable unsupported)
        {
            return -1;
        }
    }

    /** Any thread: @return the counters now, one consistent cut of them (retried while the stage updates them). */
    public StageStats stats()
    {
        final long[] buckets = new long[BUCKETS];
        while (true)
        {
            final long before = (long)VERSION.getAcquire(this);
            if ((before & 1) == 0)
            {
                for (int i = 0; i < BUCKETS; i++)
                {
                    buckets[i] = (long)BUCKET.getOpaque(histogram, PAD + i);
                }
                final long readItems = (long)ITEMS.getOpaque(this);
                final long readBatches = (long)BATCHES.getOpaque(this);
                final long readIdleLoops = (long)IDLE_LOOPS.getOpaque(this);
                final long readBlockedLoops = (long)BLOCKED_LOOPS.getOpaque(this);
                final long readBusyNanos = (long)BUSY_NANOS.getOpaque(this);
                final long readIdleNanos = (long)IDLE_NANOS.getOpaque(this);
                final long readBlockedNanos = (long)BLOCKED_NANOS.getOpaque(this);
                final long readIoOperations = (long)IO_OPERATIONS.getOpaque(this);
                final long readIoNanos = (long)IO_NANOS.getOpaque(this);
                VarHandle.loadLoadFence();
                if ((long)VERSION.getOpaque(this) == before)
                {
                    return new StageStats(stage, readItems, readBatches, readIdleLoops, readBlockedLoops,
                        readBusyNanos, readIdleNanos, readBlockedNanos, readIoOperations, readIoNanos, cpuNanos(), buckets);
                }
            }
            Thread.onSpinWait();
        }
    }
}
