package io.roda.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Found by the attack on issue 8 (D4): back-off loops of interrupted threads never parked (a busy spin). */
class ParkingTest
{
    @Test
    void anInterruptedThreadReallyParksAndKeepsItsInterrupt()
    {
        Thread.currentThread().interrupt();
        try
        {
            final long start = System.nanoTime();
            for (int i = 0; i < 20; i++)
            {
                Parking.parkNanos(1_000_000);
            }
            final long elapsed = System.nanoTime() - start;
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
            assertTrue(elapsed >= 10_000_000L, "20 parks of 1 ms took " + elapsed / 1000 + " µs: they did not wait");
        }
        finally
        {
            Thread.interrupted();
        }
    }

    @Test
    void anUninterruptedThreadParks()
    {
        final long start = System.nanoTime();
        Parking.parkNanos(2_000_000);
        assertTrue(System.nanoTime() - start >= 1_000_000L);
        assertTrue(!Thread.currentThread().isInterrupted());
    }
}
