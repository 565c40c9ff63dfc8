package io.roda.common;

import java.util.concurrent.locks.LockSupport;

/**
 * Parking for back-off loops that must not become busy spins when their thread is interrupted.
 *
 * <p>{@link LockSupport#parkNanos} returns at once while the thread's interrupt flag is set, so a back-off
 * loop run by an interrupted thread never sleeps: it burns a core, and a virtual thread never unmounts from
 * its carrier. {@link #parkNanos} clears the flag for the duration of the park and sets it again afterwards,
 * so the interrupt is preserved for the caller and the park really waits. Setting the flag again also leaves
 * an unpark permit (that is what {@link Thread#interrupt} does); the next call consumes it before it parks.
 */
public final class Parking
{
    private Parking()
    {
    }

    /**
     * Parks for up to {@code nanos}, even when the calling thread is interrupted; the interrupt flag is
     * left as it was (or set, if an interrupt arrived during the park).
     */
    public static void parkNanos(final long nanos)
    {
        if (Thread.interrupted())
        {
            // interrupt() also unparks, leaving a permit that would end the park at once: consume it first
            LockSupport.parkNanos(1);
            LockSupport.parkNanos(nanos);
            Thread.currentThread().interrupt();
        }
        else
        {
            LockSupport.parkNanos(nanos);
        }
    }
}
