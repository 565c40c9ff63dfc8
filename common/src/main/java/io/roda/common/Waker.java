package io.roda.common;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets a producer wake a consumer stage that has parked because it had nothing to do, so idle stages
 * can park for long periods (cheap on a small machine) yet react at once when work arrives.
 *
 * <p>Protocol (Dekker style, no lost wake-ups): the consumer sets {@code sleeping}, checks for work once
 * more, and parks only if there is none; the producer publishes its work, issues a full fence, and
 * unparks the consumer if it is sleeping. Either the consumer's re-check sees the work or the producer
 * sees {@code sleeping}. A park still has a timeout as a safety net.
 */
public final class Waker
{
    private volatile Thread thread;
    private volatile boolean sleeping;
    private boolean consumerParks = true;

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

    void sleeping(final boolean value)
    {
        sleeping = value;
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
