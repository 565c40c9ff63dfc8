package io.roda.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The counters an {@link AgentRunner} keeps for its stage: every loop counted once, in the right kind. */
class StageCountersTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunnerCountsItemsBatchesBlockedAndIdleLoops() throws Exception
    {
        final StageCounters counters = new StageCounters("test");
        final AtomicInteger loops = new AtomicInteger();
        final int[] script = {3, 3, 1, 0, -1, -1, 5, 0, 0, 1000}; // -1: blocked (input, no room downstream)
        final Agent agent = new Agent()
        {
            @Override
            public int doWork()
            {
                final int i = loops.getAndIncrement();
                if (i >= script.length)
                {
                    return 0;
                }
                if (script[i] < 0)
                {
                    counters.blocked();
                    return 0;
                }
                return script[i];
            }

            @Override
            public String roleName()
            {
                return "test";
            }
        };
        final AgentRunner runner = new AgentRunner(agent, new IdleStrategy.BusySpin(), AgentRunner.Pinning.NONE,
            error -> { }, new Waker(), counters).start();
        while (loops.get() < script.length + 10)
        {
            Thread.onSpinWait();
        }
        runner.close();

        final StageStats stats = counters.stats();
        assertEquals(3 + 3 + 1 + 5 + 1000, stats.getItems());
        assertEquals(5, stats.getBatches());
        assertEquals(5, stats.getBusyLoops());
        assertEquals(2, stats.getBlockedLoops());
        assertEquals(loops.get() - 5 - 2, stats.getIdleLoops(), "every other loop was idle");
        final long[] histogram = stats.getBatchHistogram();
        assertEquals(1, histogram[0], "one batch of 1");
        assertEquals(2, histogram[1], "two batches of 2..3");
        assertEquals(1, histogram[2], "one batch of 4..7");
        assertEquals(1, histogram[9], "one batch of 512..1023");
        assertEquals(1012 / 5.0, stats.getMeanBatch(), 1e-9);
        assertTrue(stats.getBusyNanos() > 0 && stats.getIdleNanos() > 0 && stats.getBlockedNanos() > 0, stats.toString());
        assertTrue(stats.getBusyRatio() > 0 && stats.getBusyRatio() < 1, stats.toString());
        assertEquals(512, stats.batchPercentile(1.0), "every batch held fewer than 1024 items");
        assertEquals(2, stats.batchPercentile(0.5), "half held fewer than 4");
    }

    @Test
    void minusGivesWhatHappenedBetweenTwoReadings()
    {
        final StageCounters counters = new StageCounters("s");
        counters.onLoop(4, 100);
        final StageStats before = counters.stats();
        counters.onLoop(2, 50);
        counters.blocked();
        counters.onLoop(0, 30);
        counters.onLoop(0, 20);
        counters.io(7);
        final StageStats delta = counters.stats().minus(before);
        assertEquals(2, delta.getItems());
        assertEquals(1, delta.getBatches());
        assertEquals(50, delta.getBusyNanos());
        assertEquals(30, delta.getBlockedNanos());
        assertEquals(20, delta.getIdleNanos());
        assertEquals(1, delta.getBlockedLoops());
        assertEquals(1, delta.getIdleLoops());
        assertEquals(1, delta.getIoOperations());
        assertEquals(7, delta.getIoNanos());
        assertEquals(0.5, delta.getBusyRatio(), 1e-9);
        assertEquals(0, delta.getBatchHistogram()[2], "the batch of 4 was before");
        assertEquals(1, delta.getBatchHistogram()[1]);
        assertEquals(-1, delta.getCpuNanos(), "no thread bound: CPU time unknown");
    }
}
