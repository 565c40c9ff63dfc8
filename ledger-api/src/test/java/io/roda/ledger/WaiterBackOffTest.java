package io.roda.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Found by the attack on issue 8 (D6): waiters parked at most 50 µs, so each of them woke about 20,000 times
 * a second; a few thousand threads awaiting far-off transactions starved the pipeline of CPU on two cores.
 * The back-off schedule is a pure function, so the bound is checked exactly, not timed.
 */
class WaiterBackOffTest
{
    @Test
    void aWaiterWakesAtMostAboutAThousandTimesPerSecondOfWaiting()
    {
        long parked = 0;
        int wakeUps = 0;
        int idle = 0;
        while (parked < 1_000_000_000L)
        {
            final long park = Ledger.waiterParkNanos(idle++);
            parked += park;
            wakeUps++;
        }
        assertTrue(wakeUps < 2_500, "steps in the first second of waiting: " + wakeUps);
        long lateWakeUps = 0;
        for (long late = 0; late < 1_000_000_000L; late += Ledger.waiterParkNanos(idle++))
        {
            lateWakeUps++;
        }
        assertTrue(lateWakeUps <= 1_000, "wake-ups per second once waiting long: " + lateWakeUps);
    }

    @Test
    void aShortWaitStillReactsInMicroseconds()
    {
        for (int idle = 0; idle < 400; idle++)
        {
            assertEquals(0, Ledger.waiterParkNanos(idle), "spins and yields first");
        }
        assertEquals(1_000, Ledger.waiterParkNanos(400), "then parks start at 1 µs");
        long firstMillisecondParks = 0;
        int idle = 400;
        for (long parked = 0; parked < 1_000_000; parked += Ledger.waiterParkNanos(idle++))
        {
            firstMillisecondParks++;
        }
        assertTrue(firstMillisecondParks > 100, "fine-grained during the first millisecond: " + firstMillisecondParks);
    }
}
