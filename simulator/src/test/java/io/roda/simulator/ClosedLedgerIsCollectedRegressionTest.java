package io.roda.simulator;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;

/**
 * Found on Temurin 25 (2026-12-03): {@code SimulatorRegressionTest} ran out of heap because a closed ledger, and the
 * simulated disk under it (64 MiB a WAL segment, twice), stayed reachable. Two paths held it: the table of held
 * directory locks kept every closed ledger's lock (all JDKs), and on JDK 19+ a terminated stage thread still held
 * its task, which held the whole pipeline, while the Disruptor's producer-thread assertion (surefire runs with
 * {@code -ea}) keeps the sequencer thread in a static map. After close, a cut and a recovery, nothing may hold the
 * disk.
 */
@Timeout(120)
class ClosedLedgerIsCollectedRegressionTest
{
    @Test
    void nothingHoldsAClosedLedgersDisk() throws Exception
    {
        final WeakReference<SimDisk> disk = lifeOnAFreshDisk();
        for (int i = 0; i < 50 && disk.get() != null; i++)
        {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(disk.get(), "a closed ledger's simulated disk is still reachable");
    }

    private static WeakReference<SimDisk> lifeOnAFreshDisk() throws Exception
    {
        final SimDisk disk = new SimDisk();
        final Path dir = Path.of("/collect/ledger");
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).storage(disk).maxAccounts(8).snapshotOnClose(false).build()))
        {
            ledger.openAccount(1);
            assertTrue(ledger.await(ledger.deposit(1, 100), Level.COMMITTED, Duration.ofSeconds(30)));
            disk.freeze();
        }
        disk.powerCut(new SplittableRandom(1));
        assertTrue(Recovery.recover(disk, dir, Recovery.Settings.stored(), null, null).report().lastTxId() >= 2);
        return new WeakReference<>(disk);
    }
}
