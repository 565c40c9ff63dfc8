package io.roda.common;

import java.util.Locale;

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
     * @return true when the next {@link #idle(int)} of an idle agent will park rather than spin or yield:
     *     the moment to announce sleep to producers (see {@link Waker}).
     */
    default boolean willPark()
    {
        return false;
    }

    /** @return whether this strategy ever parks; producers need not wake a consumer that never does. */
    default boolean mayPark()
    {
        return true;
    }

    /**
     * Parses a strategy name: {@code busy-spin}, {@code yield}, {@code backoff} or {@code sleep}.
     * {@code backoff} spins long before parking on machines with 8 or more cores, briefly otherwise.
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
                // Spinning only pays when every stage has a core of its own; on a small machine a spinning
                // stage steals the core its producer needs, and producers wake parked stages anyway.
                return Runtime.getRuntime().availableProcessors() >= 8
                    ? new Backoff(20_000, 100, 50_000, 1_000_000)
                    : new Backoff(20, 2, 50_000, 1_000_000);
            case "sleep":
                return new Backoff(0, 0, 1_000_000, 1_000_000);
            default:
                throw new IllegalArgumentException("unknown idle strategy '" + name
                    + "'; expected busy-spin, yield, backoff or sleep");
        }
    }

    /** Spins with {@link Thread#onSpinWait()}: lowest latency, burns a whole core. For pinned threads. */
    final class BusySpin implements IdleStrategy
    {
        @Override
        public boolean mayPark()
        {
            return false;
        }

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
        public boolean mayPark()
        {
            return false;
        }

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
     * Spin, then yield, then park with exponentially growing periods ({@link BackOff}): the default. Parks are
     * long because producers wake a parked stage through its {@link Waker}; so it wastes almost no CPU when
     * stages outnumber cores, and still reacts within microseconds when work arrives.
     */
    final class Backoff implements IdleStrategy
    {
        private final BackOff backOff;
        private long step;

        /**
         * @param maxSpins     idle turns spent spinning before yielding.
         * @param maxYields    idle turns spent yielding before parking.
         * @param minParkNanos first park period.
         * @param maxParkNanos longest park period; the period doubles on every park until then.
         */
        public Backoff(final long maxSpins, final long maxYields, final long minParkNanos, final long maxParkNanos)
        {
            this.backOff = new BackOff(maxSpins, maxYields, minParkNanos, maxParkNanos, 1);
        }

        @Override
        public void idle(final int workCount)
        {
            if (workCount > 0)
            {
                step = 0;
                return;
            }
            backOff.idleStep(step++);
        }

        @Override
        public void reset()
        {
            step = 0;
        }

        @Override
        public boolean willPark()
        {
            return backOff.parks(step);
        }
    }
}
