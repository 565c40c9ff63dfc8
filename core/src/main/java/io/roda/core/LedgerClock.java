package io.roda.core;

/**
 * Where ledger time comes from: nanoseconds since the epoch. The pipeline reads it when it stamps a
 * transaction (and keeps stamps strictly increasing whatever the clock does) and when it checks whether a
 * hold is due to expire. Tests pass a clock they control.
 */
@FunctionalInterface
public interface LedgerClock
{
    /** @return nanoseconds since 1970-01-01T00:00Z. Called from pipeline threads; must not block or allocate. */
    long nanos();

    /** @return the system clock: {@link System#nanoTime()} anchored to the wall clock, re-anchored every second. */
    static LedgerClock system()
    {
        return new SystemClock();
    }

    /** The default clock. Reads are allocation-free; re-anchoring may step it (stamps stay increasing anyway). */
    final class SystemClock implements LedgerClock
    {
        private static final long ANCHOR_PERIOD_NANOS = 1_000_000_000L;
        private volatile long offset;
        private volatile long anchoredAt;

        SystemClock()
        {
            anchor(System.nanoTime());
        }

        private void anchor(final long now)
        {
            offset = System.currentTimeMillis() * 1_000_000L - now;
            anchoredAt = now;
        }

        @Override
        public long nanos()
        {
            final long now = System.nanoTime();
            if (now - anchoredAt > ANCHOR_PERIOD_NANOS)
            {
                anchor(now);
            }
            return now + offset;
        }
    }
}
