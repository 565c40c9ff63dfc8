package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.wal.WalReader;

/**
 * Issue 8, item 11: {@code inspect} scanned the WAL from transaction 1 and so reported CORRUPT on every
 * healthy ledger whose old WAL retention had pruned. It now gives recovery's verdict.
 */
@Timeout(120)
class InspectPrunedWalRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void inspectOfAHealthyPrunedLedgerIsOk() throws Exception
    {
        final Workload workload = new Workload(6, 30);
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(1000).walSegmentSize(16 * 1024)
            .maxBatch(128).snapshotEveryTx(2_000).snapshotOnClose(false).build()))
        {
            for (long i = 1; i <= 9_000; i++)
            {
                ledger.submit(workload.op(i));
                if (i % 300 == 0)
                {
                    ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30));
                }
            }
            ledger.await(9_000, Level.COMMITTED, Duration.ofSeconds(30));
            ledger.await(6_000, Level.SNAPSHOTTED, Duration.ofSeconds(30));
        }
        assertTrue(WalReader.firstTxIdOf(WalReader.listSegments(Recovery.walDirectory(dir)).get(0)) > 1,
            "the scenario: old WAL was pruned");
        final Cli.Run run = Cli.run(null, "inspect", "--data", dir.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        assertFalse(run.out().contains("CORRUPT"), run.out());
        assertTrue(run.out().contains("last tx 9000"), run.out());
    }
}
