package io.roda.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deterministic specifications of {@link SubmissionRing}; {@link SubmissionRingLincheckTest} explores interleavings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubmissionRingTest
{
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

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
            if (!(ring.poll(sink((txId, type, account, toAccount, amount) ->
            {
                assertEquals(expectedId[0]++, txId, "ids in order, no gaps");
                assertEquals(1 + account, type, "payload fields belong together");
                assertEquals(account * each + toAccount, amount);
                assertTrue(toAccount > lastPerThread[(int)account], "each submitter's order is kept");
                lastPerThread[(int)account] = toAccount;
                payloads.set((int)amount);
            })) > 0))
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

    /**
     * Regression of issue 8, defect 1 (the livelock that hung {@code mvn verify}): a winner is paused between
     * its cell CAS and its tail CAS, and the consumer takes that cell and re-arms it for the next round before
     * anyone helps the tail. Every other submitter then saw the tail next to a cell of a later round and
     * re-read the tail forever. Now they move the tail on themselves.
     */
    @Test
    void aWinnerPausedAfterItsCellCasWhoseOperationIsAlreadyConsumedStallsNobody() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(64, 8, 1);
        freezeWinnerAt(ring, 0, 7);
        final long[] taken = new long[2];
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> taken[0] = txId * 100 + account)) > 0));
        assertEquals(107, taken[0], "the paused winner's operation is consumed; the tail still reads 0");

        final long id = ring.submit(3, 8, 0, 80); // this submit spun forever before the fix
        assertEquals(2, id);
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> taken[1] = txId * 100 + account)) > 0));
        assertEquals(208, taken[1]);
    }

    @Test
    void aWinnerPausedAfterItsCellCasStallsNobodyWhileItsOperationWaits() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(64, 8, 1);
        freezeWinnerAt(ring, 0, 7);
        final long[] ids = new long[1000];
        final Thread other = new Thread(() ->
        {
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = ring.submit(3, 1, 0, i + 1);
            }
        });
        other.start();
        long seen = 0;
        while (seen < ids.length + 1)
        {
            if ((ring.poll(sink((txId, type, account, toAccount, amount) -> { })) > 0))
            {
                seen++;
            }
        }
        other.join();
        assertEquals(2, ids[0], "position 0 belongs to the paused winner; others helped the tail past it");
        assertEquals(ids.length + 1, ids[ids.length - 1]);
    }

    @Test
    void aSubmitterPausedBeforeItsCasHoldsNothing() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(64, 8, 1);
        final SubmissionRing.Lane paused = laneFor(ring);
        paused.stage(SubmissionRing.pack(2, 0, 0), 7, 0, 70, 0, 0, ring); // staged in the lane it holds, never published
        final long id = ring.submit(2, 8, 0, 80);
        assertEquals(1, id);
        final long[] got = new long[1];
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> got[0] = account)) > 0));
        assertEquals(8, got[0]);
    }

    /** Regression of issue 8, defect 4: more live submitters than lanes wait for a lane; none gets an exception. */
    @Test
    void moreConcurrentSubmittersThanLanesAllGetIds() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(1 << 12, 4, 1, 2);
        final int threads = 16;
        final int each = 200;
        final java.util.concurrent.CountDownLatch allAlive = new java.util.concurrent.CountDownLatch(threads);
        final Thread[] submitters = new Thread[threads];
        final java.util.concurrent.atomic.AtomicReference<Throwable> error = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < threads; t++)
        {
            submitters[t] = new Thread(() ->
            {
                try
                {
                    allAlive.countDown();
                    allAlive.await();
                    for (int i = 0; i < each; i++)
                    {
                        if (ring.submit(1, 1, 0, 1) < 1)
                        {
                            throw new AssertionError("no id");
                        }
                    }
                }
                catch (final Throwable e)
                {
                    error.compareAndSet(null, e);
                }
            });
            submitters[t].start();
        }
        long taken = 0;
        while (taken < (long)threads * each)
        {
            if ((ring.poll(sink((txId, type, account, toAccount, amount) -> { })) > 0))
            {
                taken++;
            }
        }
        for (final Thread t : submitters)
        {
            t.join();
        }
        assertEquals(null, error.get());
        assertEquals((long)threads * each, ring.lastAssignedId());
    }

    @Test
    void closeSealsTheRingReleasesBlockedSubmittersAndFixesTheLastId() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(2, 8, 1);
        ring.submit(1, 1, 0, 0);
        ring.submit(1, 2, 0, 0);
        final long[] blocked = new long[1];
        final Thread t = new Thread(() -> blocked[0] = ring.submit(1, 3, 0, 0)); // ring full: waits
        t.start();
        assertFalse(ring.close(1_000_000), "a full ring whose consumer does nothing cannot be sealed; close is bounded");
        t.join();
        assertEquals(SubmissionRing.CLOSED, blocked[0]);
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> { })) > 0));
        assertTrue(ring.close(0), "room made: sealed");
        assertEquals(SubmissionRing.CLOSED, ring.submit(1, 4, 0, 0));
        assertEquals(2, ring.lastAssignedId());
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> { })) > 0));
        assertFalse(ring.hasNext(), "the seal is never delivered");
    }

    /**
     * Found by the attack on issue 8 (D4): a submitter whose thread was interrupted never parked while it waited
     * for room (parkNanos returns at once while the flag is set), so it burned a core, and a virtual thread
     * never left its carrier. It must wait by parking, and keep its interrupt.
     */
    @Test
    void anInterruptedSubmitterWaitingForRoomParksAndKeepsItsInterrupt() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(2, 4, 1);
        ring.submit(1, 1, 0, 0);
        ring.submit(1, 2, 0, 0);
        final java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        final long[] cpuNanos = new long[1];
        final boolean[] keptInterrupt = new boolean[1];
        final long[] id = new long[1];
        final Thread t = new Thread(() ->
        {
            Thread.currentThread().interrupt();
            final long cpuStart = mx.getCurrentThreadCpuTime();
            id[0] = ring.submit(1, 3, 0, 0); // full ring: waits until the consumer below makes room
            cpuNanos[0] = mx.getCurrentThreadCpuTime() - cpuStart;
            keptInterrupt[0] = Thread.currentThread().isInterrupted();
        });
        final long start = System.nanoTime();
        t.start();
        Thread.sleep(500);
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> { })) > 0));
        t.join();
        final long wall = System.nanoTime() - start;
        assertEquals(3, id[0]);
        assertTrue(keptInterrupt[0], "the interrupt is kept for the caller");
        // measured on the 2-core VM: about 20% of a core with the fix (each 10 µs park costs some CPU to wake),
        // 50% to 100% without it, depending on how loaded the machine is
        assertTrue(cpuNanos[0] < wall / 3, "a waiting submitter parks: it used " + cpuNanos[0] / 1_000_000
            + " ms of CPU in " + wall / 1_000_000 + " ms");
    }

    /** Found by the attack on issue 8's fix: a close() that timed out on a full ring must still refuse later submits. */
    @Test
    void aClosedButUnsealedRingRefusesSubmitsOnceTheConsumerMakesRoom()
    {
        final SubmissionRing ring = new SubmissionRing(2, 4, 1);
        assertEquals(1, ring.submit(1, 1, 0, 1));
        assertEquals(2, ring.submit(1, 1, 0, 2));
        assertFalse(ring.close(1_000_000), "full ring, nobody consuming: close times out");
        assertTrue((ring.poll(sink((txId, type, account, toAccount, amount) -> { })) > 0), "the slow consumer goes on");
        assertEquals(SubmissionRing.CLOSED, ring.submit(1, 1, 0, 3));
        assertEquals(2, ring.lastAssignedId());
    }

    @Test
    void closeCountsAWinnerPausedBeforeItsTailCas() throws Exception
    {
        final SubmissionRing ring = new SubmissionRing(64, 8, 1);
        freezeWinnerAt(ring, 0, 7);
        assertEquals(0, ring.lastAssignedId(), "the tail lags the paused winner");
        assertTrue(ring.close(0));
        assertEquals(1, ring.lastAssignedId(), "the id the paused winner will return is below the seal");
        assertEquals(SubmissionRing.CLOSED, ring.submit(1, 1, 0, 0));
    }

    /** Puts the ring in the state of a winner paused right after its cell CAS on {@code position}, before its tail CAS. */
    private static void freezeWinnerAt(final SubmissionRing ring, final int position, final long account) throws Exception
    {
        final SubmissionRing.Lane frozen = laneFor(ring);
        final int slot = frozen.stage(SubmissionRing.pack(2, 0, 0), account, 0, 70, 0, 0, ring);
        frozen.committed(1);
        final long cell = SubmissionRing.FULL | ((long)frozen.id << SubmissionRing.LANE_SLOT_BITS) | slot;
        CELLS.setRelease(cellsOf(ring), position, cell);
    }

    private static SubmissionRing.Lane laneFor(final SubmissionRing ring) throws Exception
    {
        final java.lang.reflect.Method m = SubmissionRing.class.getDeclaredMethod("acquireLane", boolean.class);
        m.setAccessible(true);
        return (SubmissionRing.Lane)m.invoke(ring, true);
    }

    private static long[] cellsOf(final SubmissionRing ring) throws Exception
    {
        final java.lang.reflect.Field f = SubmissionRing.class.getDeclaredField("cells");
        f.setAccessible(true);
        return (long[])f.get(ring);
    }

    /** The five fields tests look at, from a staged operation. */
    interface Fields
    {
        void accept(long txId, int type, long account, long toAccount, long amount);
    }

    static SubmissionRing.Sink sink(final Fields fields)
    {
        return (txId, data, at) -> fields.accept(txId, SubmissionRing.type(data[at + SubmissionRing.F_HEAD]),
            data[at + SubmissionRing.F_ACCOUNT], data[at + SubmissionRing.F_TO], data[at + SubmissionRing.F_AMOUNT]);
    }
}
