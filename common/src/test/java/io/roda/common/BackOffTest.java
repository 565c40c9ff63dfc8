package io.roda.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one back-off progression: spin, yield, then parks that double up to a bound. */
class BackOffTest
{
    @Test
    void spinsThenYieldsThenParksDoublingUpToTheBound()
    {
        final BackOff backOff = new BackOff(2, 3, 100, 1_000, 2);
        for (int step = 0; step < 5; step++)
        {
            assertEquals(0, backOff.parkNanos(step), "step " + step + " spins or yields");
            assertFalse(backOff.parks(step));
        }
        assertTrue(backOff.parks(5));
        assertEquals(100, backOff.parkNanos(5));
        assertEquals(100, backOff.parkNanos(6));
        assertEquals(200, backOff.parkNanos(7), "doubles every 2 parks");
        assertEquals(400, backOff.parkNanos(9));
        assertEquals(800, backOff.parkNanos(11));
        assertEquals(1_000, backOff.parkNanos(13), "capped");
        assertEquals(1_000, backOff.parkNanos(Long.MAX_VALUE / 2), "no overflow far out");
    }

    @Test
    void badParametersAreRefusedByName()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BackOff(-1, 0, 1, 1, 1)).getMessage()
            .contains("spins"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BackOff(0, 0, 10, 5, 1)).getMessage()
            .contains("park"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BackOff(0, 0, 1, 1, 0)).getMessage()
            .contains("doubleEvery"));
    }

    @Test
    void theStageStrategyParksOnlyAfterSpinningAndYielding()
    {
        final IdleStrategy.Backoff idle = new IdleStrategy.Backoff(2, 1, 1_000, 1_000);
        assertFalse(idle.willPark());
        idle.idle(0);
        idle.idle(0);
        assertFalse(idle.willPark(), "one yield left");
        idle.idle(0);
        assertTrue(idle.willPark());
        idle.idle(1);
        assertFalse(idle.willPark(), "work resets the back-off");
    }
}
