package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.Recovery;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.wal.WalReader;

/**
 * Retention keeps disk use bounded: only the newest {@code retainSnapshots} snapshots survive, WAL
 * segments wholly covered by the oldest kept snapshot are deleted, and recovery from what is left
 * is still exact.
 */
class RetentionTest
{
    @TempDir
    Path dir;

    @Test
    void oldSnapshotsAndCoveredSegmentsAreDeletedAndRecoveryStaysExact() throws Exception
    {
        final Workload workload = new Workload(9, 40);
        final ReferenceLedger model = new ReferenceLedger(1000);
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(1000).walSegmentSize(32 * 1024)
            .maxBatch(256).snapshotEveryTx(2_000).retainSnapshots(2).snapshotOnClose(false).build();
        final long total = 30_000;
        try (Ledger ledger = Ledger.open(config))
        {
            for (long i = 1; i <= total; i++)
            {
                final Operation op = workload.op(i);
                ledger.submit(op);
                model.apply(op.type(), op.account(), op.toAccount(), op.amount());
                if (i % 500 == 0)
                {
                    ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30));
                }
            }
            ledger.await(total, Level.COMMITTED, Duration.ofSeconds(30));
            assertTrue(ledger.snapshotIndex() > 0 || ledger.await(2_000, Level.SNAPSHOTTED, Duration.ofSeconds(30)));
        }
        final List<Path> snapshots = SnapshotFiles.list(Recovery.snapshotDirectory(dir));
        assertEquals(2, snapshots.size(), "only the newest two snapshots are kept: " + snapshots);
        final long oldestKept = SnapshotFiles.txIdOf(snapshots.get(1));
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        assertTrue(WalReader.firstTxIdOf(segments.get(0)) > 1, "the oldest segments were deleted");
        assertTrue(WalReader.firstTxIdOf(segments.get(0)) <= oldestKept + 1,
            "but not the one the oldest kept snapshot still needs");
        assertTrue(segments.size() < 30_000 * 64 / (32 * 1024), "far fewer segments than were written");

        final Recovery.Recovered recovered = Recovery.recover(dir, 1000, null);
        assertEquals(total, recovered.report().lastTxId());
        final TreeMap<Long, Long> balances = ReferenceLedger.balancesOf(recovered);
        assertEquals(model.balances(), balances);
    }
}
