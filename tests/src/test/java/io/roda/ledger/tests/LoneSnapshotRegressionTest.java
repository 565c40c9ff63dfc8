package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.wal.WalReader;

/**
 * Issue 8, item 8: retention left the first snapshot as the only copy of history (the WAL before it was
 * deleted at once), so one flipped byte in it made the ledger unrecoverable, and the error blamed the WAL
 * without naming the snapshot.
 */
@Timeout(120)
class LoneSnapshotRegressionTest
{
    @TempDir
    Path dir;

    private final ReferenceLedger model = new ReferenceLedger(1000);

    private LedgerConfig.Builder config()
    {
        return LedgerConfig.builder(dir).maxAccounts(1000).walSegmentSize(16 * 1024).maxBatch(128)
            .snapshotEveryTx(4_000).snapshotOnClose(false);
    }

    private void run(final long from, final long to, final long snapshotted) throws Exception
    {
        final Workload workload = new Workload(8, 30);
        try (Ledger ledger = Ledger.open(config().build()))
        {
            for (long i = from; i <= to; i++)
            {
                final Operation op = workload.op(i);
                ledger.submit(op);
                model.apply(op.type(), op.account(), op.toAccount(), op.amount());
                if (i % 200 == 0)
                {
                    ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30));
                }
            }
            ledger.await(to, Level.COMMITTED, Duration.ofSeconds(30));
            assertTrue(ledger.await(snapshotted, Level.SNAPSHOTTED, Duration.ofSeconds(30)));
        }
    }

    private static void flipAByteOf(final Path file) throws Exception
    {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            f.seek(70);
            final int b = f.read();
            f.seek(70);
            f.write(b ^ 0x01);
        }
    }

    @Test
    void retainingOneSnapshotIsAConfigurationError()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> LedgerConfig.builder(dir).retainSnapshots(1));
        assertTrue(e.getMessage().contains("retainSnapshots") && e.getMessage().contains("1"), e.getMessage());
    }

    @Test
    void afterTheFirstSnapshotTheWalFromTransactionOneIsKeptSoADamagedSnapshotFallsBackToIt() throws Exception
    {
        run(1, 6_000, 4_000);
        final List<Path> snapshots = SnapshotFiles.list(Recovery.snapshotDirectory(dir));
        assertEquals(1, snapshots.size());
        assertEquals(1, WalReader.firstTxIdOf(WalReader.listSegments(Recovery.walDirectory(dir)).get(0)),
            "with one verifying snapshot the WAL is kept from transaction 1");

        flipAByteOf(snapshots.get(0));
        final Recovery.Recovered r = Recovery.recover(dir, Recovery.USE_STORED, null);
        assertEquals(6_000, r.report().lastTxId());
        final TreeMap<Long, Long> balances = ReferenceLedger.balancesOf(r);
        assertEquals(model.balances(), balances, "replayed from transaction 1, exact");
        assertEquals(1, r.report().damagedSnapshots().size());
        assertTrue(r.report().damagedSnapshots().get(0).contains(snapshots.get(0).toString()),
            r.report().damagedSnapshots().toString());
    }

    @Test
    void whenRecoveryFailsTheErrorNamesEveryDamagedSnapshot() throws Exception
    {
        run(1, 13_000, 12_000);
        final List<Path> snapshots = SnapshotFiles.list(Recovery.snapshotDirectory(dir));
        assertEquals(2, snapshots.size(), snapshots.toString());
        assertTrue(WalReader.firstTxIdOf(WalReader.listSegments(Recovery.walDirectory(dir)).get(0)) > 1,
            "with two verifying snapshots the WAL they cover is pruned");
        flipAByteOf(snapshots.get(0));
        flipAByteOf(snapshots.get(1));
        final RecoveryException e = assertThrows(RecoveryException.class,
            () -> Recovery.recover(dir, Recovery.USE_STORED, null));
        for (final Path snapshot : snapshots)
        {
            assertTrue(e.getMessage().contains(snapshot.toString() + " at offset"), e.getMessage());
        }
    }
}
