package io.roda.common;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * How a stage waits when it found no work. Implementations keep per-thread state and must not be
 * shared between threads.
 */
public interface IdleStrategy
{
    /**
     * @param workCount what the last {@link Agent#doWork()} returned; a positive count resets the back-off.
     */
    void idle(int workCount);

    /** Resets any back-off state. */
    void reset();

    /**
     * Parses a strategy name: {@code busy-spin}, {@code yield}, {@code backoff} or {@code sleep}.
     *
     * @throws IllegalArgumentException naming the value and the allowed names.
     */
    static IdleStrategy parse(final String name)
    {
        switch (name == null ? "" : name.toLowerCase(Locale.ROOT))
        {
            case "busy-spin":
                return new BusySpin();
            case "yield":
                return new Yielding();
            case "backoff":
                return new Backoff(100, 100, 1_000, 100_000);
            case "sleep":
                return new Backoff(0, 0, 100_000, 1_000_000);
            default:
                throw new IllegalArgumentException("unknown idle strategy '" + name
                    + "'; expected busy-spin, yield, backoff or sleep");
        }
    }

    /** Spins with {@link Thread#onSpinWait()}: lowest latency, burns a whole core. For pinned threads. */
    final class BusySpin implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                Thread.onSpinWait();
            }
        }

        @Override
        public void reset()
        {
        }
    }

    /** Yields the core on every idle turn. */
    final class Yielding implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                Thread.yield();
            }
        }

        @Override
        public void reset()
        {
        }
    }

    /**
     * Spin, then yield, then park with exponentially growing periods: the default, because it wastes
     * little CPU when stages outnumber cores and still reacts within microseconds under load.
     */
    final class Backoff implements IdleStrategy
    {
        private final long maxSpins;
        private final long maxYields;
        private final long minParkNanos;
        private final long maxParkNanos;
        private long spins;
        private long yields;
        private long parkNanos;

        /**
         * @param maxSpins     idle turns spent spinning before yielding.
         * @param maxYields    idle turns spent yielding before parking.
         * @param minParkNanos first park period.
         * @param maxParkNanos longest park period.
         */
        public Backoff(final long maxSpins, final long maxYields, final long minParkNanos, final long maxParkNanos)
        {
            this.maxSpins = maxSpins;
            this.maxYields = maxYields;
            this.minParkNanos = minParkNanos;
            this.maxParkNanos = maxParkNanos;
            this.parkNanos = minParkNanos;
        }

        @Override
        public void idle(final int workCount)
        {
            if (workCount > 0)
            {
                reset();
                return;
            }
            if (spins < maxSpins)
            {
                spins++;
                Thread.onSpinWait();
            }
            else if (yields < maxYields)
            {
                yields++;
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(parkNanos << 1, maxParkNanos);
            }
        }

        @Override
        public void reset()
        {
            spins = 0;
            yields = 0;
            parkNanos = minParkNanos;
        }
    }
}
