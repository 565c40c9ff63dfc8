package io.roda.simulator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fixed seeds CI runs (docs/TESTING.md): the real pipeline and recovery on the simulated disk, cut and faulted
 * at random, must keep every promise; and on a disk that lies about forces, the checker must fail.
 */
class SimulatorTest
{
    /** Seeds 1..SEEDS: CI's fixed set. {@code -Droda.simSeeds=N} runs more (the simulation profile). */
    private static final int SEEDS = Integer.getInteger("roda.simSeeds", 60);

    @Test
    @Timeout(value = 4, unit = TimeUnit.HOURS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theFixedSeedsKeepEveryPromiseThroughPowerCutsAndFaults()
    {
        // bounded by the number of seeds (about 0.4 s each on 2 cores): a hang fails instead of stalling the build
        final Simulator.Report report = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(120 + SEEDS * 5L),
            () -> Simulator.run(new Simulator.Options(1, SEEDS, 8, false, true), System.out::println));
        System.out.println(report.toJson());
        assertTrue(report.findings().isEmpty(), () -> "findings: " + report.findings());
        // a seed whose data an injected corruption destroyed stops at that (detected) cut; the others run all 8
        assertTrue(report.powerCuts() >= SEEDS * 4L, "the seeds cut the power: " + report.toJson());
        assertTrue(report.acknowledgedChecked() > 0, "acknowledged transactions were checked: " + report.toJson());
        assertTrue(report.faultsInjected() > 0, "faults were injected: " + report.toJson());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDiskThatLiesAboutForcesIsCaughtWithinAFewSeeds()
    {
        final Simulator.Report report = Simulator.run(new Simulator.Options(1, 5, 8, true, false), System.out::println);
        System.out.println(report.toJson());
        assertFalse(report.findings().isEmpty(), "a lying disk must produce findings: " + report.toJson());
    }
}
