package io.roda.common;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

abstract class WakerLhsPadding
{
    protected long p1, p2, p3, p4, p5, p6, p7;
}

abstract class WakerFields extends WakerLhsPadding
{
    protected volatile Thread thread;
    protected volatile boolean sleeping; // stored by the consumer each time it parks: on lines of its own
    protected boolean consumerParks = true;
}

abstract class WakerRhsPadding extends WakerFields
{
    protected long p9, p10, p11, p12, p13, p14, p15;
}

/**
 * Lets a producer wake a consumer stage that has parked because it had nothing to do, so idle stages
 * can park for long periods (cheap on a small machine) yet react at once when work arrives.
 *
 * <p>Protocol (Dekker style, no lost wake-ups): the consumer stores {@code sleeping = true}, issues a
 * <b>full fence</b> ({@link #announceSleep()}), checks for work once more, and parks only if there is none;
 * the producer publishes its work, issues a full fence, and unparks the consumer if it is sleeping. Each
 * side's store is ordered before its following load by its own full fence, so either the consumer's
 * re-check sees the work or the producer sees {@code sleeping}. A fence is needed on both sides: the Java
 * memory model does not order a volatile store before a later acquire (non-volatile) load of another
 * variable, and the consumer's re-check reads the producer's index with an acquire load. (HotSpot on x86
 * happens to emit a full barrier after every volatile store, which is why the missing consumer fence was
 * never seen; the fence makes the protocol correct by the specification, not by the implementation.)
 * A park still has a timeout as a safety net. {@code WakerLincheckTest} model-checks the handshake.
 * Padded to its own cache lines: the pipeline allocates its four Wakers back to back, and each consumer's
 * {@code sleeping} store must not invalidate the line of another stage's Waker.
 */
public final class Waker extends WakerRhsPadding
{
    /**
     * @param thread the consumer's thread.
     * @param parks  false when the consumer's idle strategy never parks (busy spin, yield): producers then
     *               skip the fence and the check entirely. Set before the consumer and producers start.
     */
    void bind(final Thread thread, final boolean parks)
    {
        this.thread = thread;
        this.consumerParks = parks;
    }

    /** Consumer: announces that it is about to park; it must re-check for work after this and before parking. */
    void announceSleep()
    {
        sleeping = true;
        VarHandle.fullFence(); // orders the store above before the consumer's re-check loads
    }

    /** Consumer: no longer sleeping. */
    void awake()
    {
        sleeping = false;
    }

    /** Producer: call after publishing with a release store; fences, then unparks a sleeping consumer. */
    public void wake()
    {
        if (consumerParks)
        {
            VarHandle.fullFence();
            wakeAfterFence();
        }
    }

    /** Producer: call after publishing with a full fence already (e.g. a successful CAS). */
    public void wakeAfterFence()
    {
        if (consumerParks && sleeping)
        {
            final Thread t = thread;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        }
    }
}
