package io.roda.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class ProgressIndexLhsPadding
{
    protected long p1, p2, p3, p4, p5, p6, p7;
}

abstract class ProgressIndexValue extends ProgressIndexLhsPadding
{
    protected volatile long value;
}

abstract class ProgressIndexRhsPadding extends ProgressIndexValue
{
    protected long p9, p10, p11, p12, p13, p14, p15;
}

/**
 * A monotonically increasing transaction id published by one stage and read by others: the compute,
 * commit and snapshot indexes. Padded to its own cache lines (Disruptor's {@code Sequence} layout) so
 * the writer's stores do not invalidate its neighbours.
 */
public final class ProgressIndex extends ProgressIndexRhsPadding
{
    private static final VarHandle VALUE;

    static
    {
        try
        {
            VALUE = MethodHandles.lookup().findVarHandle(ProgressIndexValue.class, "value", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @param initial the starting value. */
    public ProgressIndex(final long initial)
    {
        VALUE.setRelease(this, initial);
    }

    /** Acquire load. @return the value. */
    public long get()
    {
        return (long)VALUE.getAcquire(this);
    }

    /** Release store by the single owning stage. @param value the new value. */
    public void set(final long value)
    {
        VALUE.setRelease(this, value);
    }

    @Override
    public String toString()
    {
        return Long.toString(get());
    }
}
