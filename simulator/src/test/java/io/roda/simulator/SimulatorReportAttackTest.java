package io.roda.simulator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JSON summary's counters must add up: a fault is detected at most once. A seed that stops at a detected
 * corruption used to recover the directory once more after its last life ("the last cut is checked too"), which
 * refused again and counted the same fault a second time, so {@code faults_detected} could exceed
 * {@code faults_injected} (seen with {@code ledger simulate --seeds 3 --cuts 2}: faults 1, detected 2).
 */
class SimulatorReportAttackTest
{
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void noFaultIsDetectedTwice()
    {
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(300), () ->
        {
            int detections = 0;
            for (long seed = 1; seed <= 80; seed++)
            {
                // one seed per report, two cuts: a corruption injected at the first cut is detected when the second life starts
                final Simulator.Report report = Simulator.run(new Simulator.Options(seed, 1, 2, false, true), line -> { });
                assertTrue(report.findings().isEmpty(), () -> "findings: " + report.findings());
                assertTrue(report.detected() <= report.faultsInjected(), "seed " + seed + ": each fault detected at most "
                    + "once: " + report.toJson());
                detections += (int)report.detected();
            }
            assertTrue(detections > 0, "some seeds detect a fault");
        });
    }
}
