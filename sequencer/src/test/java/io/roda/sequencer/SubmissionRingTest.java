package io.roda.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SubmissionRingTest
{
    @Test
    void idsAreDenseUniqueAndDeliveredInOrderWithPayloadIntact() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(1024, 64, 1);
        final int threads = 4;
        final int each = 100_000;
        final Thread[] submitters = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int me = t;
            submitters[t] = new Thread(() ->
            {
                for (int i = 0; i < each; i++)
                {
                    ring.submit(1 + me, me, i, (long)me * each + i);
                }
            });
            submitters[t].start();
        }
        final BitSet payloads = new BitSet();
        final long[] expectedId = {1};
        final long[] lastPerThread = new long[threads];
        java.util.Arrays.fill(lastPerThread, -1);
        final AtomicLong taken = new AtomicLong();
        while (taken.get() < (long)threads * each)
        {
            if (!ring.poll((txId, type, account, toAccount, amount) ->
            {
                assertEquals(expectedId[0]++, txId, "ids in order, no gaps");
                assertEquals(1 + account, type, "payload fields belong together");
                assertEquals(account * each + toAccount, amount);
                assertTrue(toAccount > lastPerThread[(int)account], "each submitter's order is kept");
                lastPerThread[(int)account] = toAccount;
                payloads.set((int)amount);
            }))
            {
                Thread.onSpinWait();
                continue;
            }
            taken.incrementAndGet();
        }
        for (final Thread t : submitters)
        {
            t.join();
        }
        assertEquals(threads * each, payloads.cardinality(), "nothing lost or duplicated");
        assertEquals(threads * each, ring.lastAssignedId());
    }

    @Test
    void aSubmitterPausedBetweenItsPublishingCasAndTheTailUpdateStallsNobody() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(64, 8, 1);
        // Simulate a thread frozen right after its successful CAS on cell 0, before it advanced the tail:
        // write the lane and the FULL cell by hand and leave the tail at 0.
        final SubmissionRing.Lane frozen = laneFor(ring);
        final int slot = frozen.write(2, 7, 0, 70, ring);
        final long cell = SubmissionRing.FULL | ((long)frozen.id << SubmissionRing.LANE_SLOT_BITS) | slot;
        final VarHandle cells = MethodHandles.arrayElementVarHandle(long[].class);
        cells.setRelease(cellsOf(ring), 0, cell);

        final AtomicBoolean done = new AtomicBoolean();
        final long[] ids = new long[1000];
        final Thread other = new Thread(() ->
        {
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = ring.submit(3, 1, 0, i + 1);
            }
            done.set(true);
        });
        other.start();
        long seen = 0;
        while (seen < ids.length + 1)
        {
            if (ring.poll((txId, type, account, toAccount, amount) -> { }))
            {
                seen++;
            }
        }
        other.join(10_000);
        assertTrue(done.get(), "the other submitter finished");
        assertEquals(2, ids[0], "position 0 belongs to the frozen submitter; others helped the tail past it");
        assertEquals(ids.length + 1, ids[ids.length - 1]);
    }

    @Test
    void aSubmitterPausedBeforeItsCasHoldsNothing() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(64, 8, 1);
        final SubmissionRing.Lane frozen = laneFor(ring);
        frozen.write(2, 7, 0, 70, ring); // staged in its own lane, never published
        final long id = ring.submit(2, 8, 0, 80);
        assertEquals(1, id);
        final long[] got = new long[1];
        assertTrue(ring.poll((txId, type, account, toAccount, amount) -> got[0] = account));
        assertEquals(8, got[0]);
    }

    @Test
    void closeRefusesNewSubmitsAndReleasesBlockedOnes() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(2, 8, 1);
        ring.submit(1, 1, 0, 0);
        ring.submit(1, 2, 0, 0);
        final long[] blocked = new long[1];
        final Thread t = new Thread(() -> blocked[0] = ring.submit(1, 3, 0, 0)); // ring full: waits
        t.start();
        Thread.sleep(50);
        ring.close();
        t.join(5_000);
        assertEquals(SubmissionRing.CLOSED, blocked[0]);
        assertEquals(SubmissionRing.CLOSED, ring.submit(1, 4, 0, 0));
        assertEquals(2, ring.lastAssignedId());
    }

    private static SubmissionRing.Lane laneFor(final SubmissionRing ring) throws Exception
    {
        final java.lang.reflect.Method m = SubmissionRing.class.getDeclaredMethod("acquireLane");
        m.setAccessible(true);
        return (SubmissionRing.Lane)m.invoke(ring);
    }

    private static long[] cellsOf(final SubmissionRing ring) throws Exception
    {
        final java.lang.reflect.Field f = SubmissionRing.class.getDeclaredField("cells");
        f.setAccessible(true);
        return (long[])f.get(ring);
    }
}
