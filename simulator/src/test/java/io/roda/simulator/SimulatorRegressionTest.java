package io.roda.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;

/** The bugs the simulator found, each pinned by its seed and by a deterministic reproduction. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SimulatorRegressionTest
{
    @TempDir
    Path dir;

    /**
     * Seed 1 (and most seeds of the first run): a new ledger's own directory entry was never forced, so a power cut
     * could take the whole directory, committed transactions included.
     */
    @Test
    void aNewLedgersDirectorySurvivesAPowerCut() throws Exception
    {
        assertNull(Simulator.runSeed(1, false, false, 3), "seed 1");
        for (int fate = 0; fate < 40; fate++)
        {
            final SimDisk disk = new SimDisk();
            final Path ledgerDir = Path.of("/fresh/a/ledger");
            final long committed;
            try (Ledger ledger = Ledger.open(LedgerConfig.builder(ledgerDir).storage(disk).maxAccounts(8)
                .snapshotOnClose(false).build()))
            {
                ledger.openAccount(1);
                committed = ledger.deposit(1, 100);
                assertTrue(ledger.await(committed, Level.COMMITTED, Duration.ofSeconds(30)));
                disk.freeze();
            }
            disk.powerCut(new SplittableRandom(fate));
            assertTrue(disk.isDirectory(ledgerDir), "fate " + fate + ": the ledger directory survives");
            assertTrue(Recovery.recover(disk, ledgerDir, Recovery.Settings.stored(), null, null).report().lastTxId()
                >= committed, "fate " + fate);
        }
    }

    /**
     * Seed 7 (first run): recovery zeroed the tail segment up to where an earlier, larger segment's data ended; after
     * walSegmentSize shrank, the tail segment grew past the size its header declares and the next open refused it.
     */
    @Test
    void aSmallerSegmentSizeNeverGrowsTheTailSegment()
    {
        assertNull(Simulator.runSeed(7, false, true, 8), "seed 7");
        life(12288, 60);   // segment 1 (12 KiB) holds data past 4 KiB
        life(4096, 140);   // segment 1 fills up, the next one is 4 KiB
        life(4096, 1);     // recovery: the tail's dirty end must be its own
        life(4096, 1);     // the old code refused here: "segment is ... bytes but its header says 4096"
    }

    private void life(final long segmentSize, final int deposits)
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(8).maxBatch(16).walSegmentSize(segmentSize)
            .snapshotEveryTx(0).snapshotOnClose(false).build()))
        {
            if (ledger.lastTxId() == 0)
            {
                ledger.openAccount(1);
            }
            for (int i = 0; i < deposits; i++)
            {
                final long id = ledger.deposit(1, 1);
                assertTrue(ledger.await(id, Level.COMMITTED, Duration.ofSeconds(30)));
            }
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
        assertEquals(0, Recovery.recover(dir, Recovery.USE_STORED, null).report().truncatedBytes());
    }
}
