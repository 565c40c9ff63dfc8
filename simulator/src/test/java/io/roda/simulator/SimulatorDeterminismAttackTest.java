package io.roda.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/STORAGE.md: "What a seed fixes: the workload, the clock, how each life ends (which mutating operation the cut
 * lands on, idle cut or clean close), which faults go where". Thread timing decides where in a life's work the cut
 * lands, and the simulator drew every later life's choices from the same random source the work had consumed a
 * timing-dependent amount of, so two runs of one seed ended their later lives differently (seed 3 with 2 cuts: one
 * clean close in one run, none in the next). How each life ends must not depend on how far the previous one got.
 */
class SimulatorDeterminismAttackTest
{
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twoRunsOfASeedEndTheirLivesAlike()
    {
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(400), () ->
        {
            for (long seed = 1; seed <= 12; seed++)
            {
                final List<Long> cleanCloses = new ArrayList<>();
                for (int run = 0; run < 3; run++)
                {
                    // no faults: no seed stops early at a detection, so every run has the same number of lives
                    final Simulator.Report report = Simulator.run(new Simulator.Options(seed, 1, 6, false, false),
                        line -> { });
                    Assertions.assertTrue(report.findings().isEmpty(), () -> "findings: " + report.findings());
                    cleanCloses.add(report.cleanCloses);
                }
                final long first = cleanCloses.get(0);
                assertEquals(List.of(first, first, first), cleanCloses, "seed " + seed + ": clean closes in three runs");
            }
        });
    }
}
