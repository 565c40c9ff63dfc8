package io.roda.common;

/**
 * The one back-off progression of the code base: spin ({@link Thread#onSpinWait()}), then yield, then park for
 * a period that starts at {@code minParkNanos} and doubles every {@code doubleEvery} parks up to
 * {@code maxParkNanos}. Immutable and shared; the caller keeps the step count (an {@code int} local in a wait
 * loop, a field in an {@link IdleStrategy}), so a waiting thread allocates nothing.
 *
 * <p>Three users, three presets: stage threads ({@link IdleStrategy#parse}), submitters waiting for room in
 * the submission ring ({@link #SUBMITTER}) and callers waiting for a progress index ({@link #WAITER}). Parks
 * go through {@link Parking#parkNanos}, so an interrupted thread still really waits (the flag is kept) and
 * never turns a back-off into a busy spin.
 */
public final class BackOff
{
    /** A submitter waiting for a lane or for room in the ring: 64 spins, 64 yields, then 10 µs parks. */
    public static final BackOff SUBMITTER = new BackOff(64, 64, 10_000, 10_000, 1);
    /**
     * A caller waiting for a progress index: 200 spins, 200 yields, then parks from 1 µs doubling every 64
     * parks up to 1 ms, so thousands of waiters wake at most about a thousand times a second each once they
     * have waited tens of milliseconds, yet a short wait reacts within microseconds.
     */
    public static final BackOff WAITER = new BackOff(200, 200, 1_000, 1_000_000, 64);

    private final long maxSpins;
    private final long maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private final long doubleEvery;

    /**
     * @param maxSpins     steps spent spinning.
     * @param maxYields    steps spent yielding after that.
     * @param minParkNanos first park period, at least 1.
     * @param maxParkNanos longest park period, at least minParkNanos.
     * @param doubleEvery  parks between two doublings of the period, at least 1.
     * @throws IllegalArgumentException naming the bad parameter.
     */
    public BackOff(final long maxSpins, final long maxYields, final long minParkNanos, final long maxParkNanos,
        final long doubleEvery)
    {
        if (maxSpins < 0 || maxYields < 0)
        {
            throw new IllegalArgumentException("spins and yields must be >= 0, were " + maxSpins + ", " + maxYields);
        }
        if (minParkNanos < 1 || maxParkNanos < minParkNanos)
        {
            throw new IllegalArgumentException("park periods must satisfy 1 <= min <= max, were " + minParkNanos
                + ", " + maxParkNanos);
        }
        if (doubleEvery < 1)
        {
            throw new IllegalArgumentException("doubleEvery must be >= 1, was " + doubleEvery);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.doubleEvery = doubleEvery;
    }

    /** @return how long step {@code step} (0, 1, ...) parks; 0 when it spins or yields. */
    public long parkNanos(final long step)
    {
        final long parks = step - maxSpins - maxYields;
        if (parks < 0)
        {
            return 0;
        }
        final long doublings = Math.min(40, parks / doubleEvery);
        final long period = minParkNanos << doublings;
        return period <= 0 || period > maxParkNanos ? maxParkNanos : period;
    }

    /** @return whether step {@code step} parks rather than spins or yields. */
    public boolean parks(final long step)
    {
        return step >= maxSpins + maxYields;
    }

    /**
     * Waits one step: spins, yields or parks as step {@code step} calls for.
     *
     * @return the next step ({@code step + 1}, saturating).
     */
    public int idle(final int step)
    {
        idleStep(step);
        return step == Integer.MAX_VALUE ? step : step + 1;
    }

    /** {@link #idle(int)} for a {@code long} step count. */
    public void idleStep(final long step)
    {
        if (step < maxSpins)
        {
            Thread.onSpinWait();
        }
        else if (step < maxSpins + maxYields)
        {
            Thread.yield();
        }
        else
        {
            Parking.parkNanos(parkNanos(step));
        }
    }
}
