package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerException;
import io.roda.ledger.LedgerFile;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.wal.WalReader;

/**
 * Issue 8, item 7: a deleted or cut WAL was accepted silently ({@code rm wal/*}, then {@code recover}
 * answered ok with the snapshot's tx id). The ledger now remembers how far it committed (DIR/LEDGER's
 * commit watermark) and recovery never reports success below it.
 */
@Timeout(120)
class DeletedWalRegressionTest
{
    @TempDir
    Path tmp;

    private static LedgerConfig config(final Path dir)
    {
        return LedgerConfig.builder(dir).maxAccounts(1000).walSegmentSize(16 * 1024).maxBatch(128)
            .snapshotEveryTx(3_000).snapshotOnClose(false).build();
    }

    /** Runs {@code count} operations; returns a copy of the directory taken while the ledger is still open. */
    private static Path crashImage(final Path dir, final Path image, final long count) throws Exception
    {
        final Workload workload = new Workload(5, 30);
        try (Ledger ledger = Ledger.open(config(dir)))
        {
            for (long i = 1; i <= count; i++)
            {
                ledger.submit(workload.op(i));
                if (i % 200 == 0)
                {
                    ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30));
                }
            }
            ledger.await(count, Level.COMMITTED, Duration.ofSeconds(30));
            if (count >= 3_000)
            {
                ledger.await(3_000, Level.SNAPSHOTTED, Duration.ofSeconds(30));
            }
            CorruptionTest.copyTree(dir, image); // the files as a kill -9 would leave them
        }
        return image;
    }

    @Test
    void deletingTheWalAfterACrashIsAnErrorNamingTheMissingRange() throws Exception
    {
        final Path image = crashImage(tmp.resolve("live"), tmp.resolve("image"), 8_000);
        final long watermark = LedgerFile.read(image).commitWatermark();
        assertTrue(watermark > 3_000, "segment rolls raised the watermark past the snapshot: " + watermark);
        assertEquals(8_000, Recovery.recover(image, Recovery.USE_STORED, null).report().lastTxId(), "the image is healthy");

        for (final Path segment : WalReader.listSegments(Recovery.walDirectory(image)))
        {
            Files.delete(segment);
        }
        assertFalse(SnapshotFiles.list(Recovery.snapshotDirectory(image)).isEmpty());
        final RecoveryException e = assertThrows(RecoveryException.class,
            () -> Recovery.recover(image, Recovery.USE_STORED, null));
        final long snapshot = SnapshotFiles.txIdOf(SnapshotFiles.list(Recovery.snapshotDirectory(image)).get(0));
        assertTrue(e.getMessage().contains("committed transactions " + (snapshot + 1) + ".." + watermark + " are missing"),
            e.getMessage());

        final Cli.Run run = Cli.run(null, "recover", "--data", image.toString());
        assertEquals(1, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("\"ok\": false") || run.out().contains("\"ok\":false"), run.out());
        assertThrows(RecoveryException.class, () -> Ledger.open(image), "nor does the ledger open on it");
    }

    @Test
    void deletingTheNewestSegmentAfterACrashIsAnError() throws Exception
    {
        final Path image = crashImage(tmp.resolve("live"), tmp.resolve("image"), 8_000);
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(image));
        final Path newest = segments.get(segments.size() - 1);
        Files.delete(newest);
        final RecoveryException e = assertThrows(RecoveryException.class,
            () -> Recovery.recover(image, Recovery.USE_STORED, null));
        assertTrue(e.getMessage().contains(newest.toString() + " is missing"), e.getMessage());
    }

    @Test
    void aCleanCloseRemembersEverythingSoLosingTheLastSegmentIsAnError() throws Exception
    {
        final Path dir = tmp.resolve("closed");
        crashImage(dir, tmp.resolve("unused"), 5_000);
        assertEquals(5_000, LedgerFile.read(dir).commitWatermark(), "close raised the watermark to the last commit");
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        Files.delete(segments.get(segments.size() - 1));
        final RecoveryException e = assertThrows(RecoveryException.class,
            () -> Recovery.recover(dir, Recovery.USE_STORED, null));
        assertTrue(e.getMessage().contains("are missing"), e.getMessage());
    }

    @Test
    void aLastSegmentCutShorterThanItsHeaderIsAnErrorOnceItWasRecordedAsCreated() throws Exception
    {
        final Path dir = tmp.resolve("short");
        crashImage(dir, tmp.resolve("unused"), 5_000);
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        final Path last = segments.get(segments.size() - 1);
        assertTrue(LedgerFile.read(dir).newestSegment() >= WalReader.firstTxIdOf(last));
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw"))
        {
            file.setLength(30); // same rule as a cut of 64+ bytes: the committed frames in it are gone
        }
        final RecoveryException e = assertThrows(RecoveryException.class,
            () -> Recovery.recover(dir, Recovery.USE_STORED, null));
        assertTrue(e.getMessage().contains(last.toString()), e.getMessage());
    }

    @Test
    void aSegmentWhoseCreationWasTornIsCutWhenNothingCommittedIsInIt() throws Exception
    {
        final Path dir = tmp.resolve("torn");
        crashImage(dir, tmp.resolve("unused"), 5_000);
        // the crash came after the next segment's file was created but before its header was durable
        final Path created = Recovery.walDirectory(dir).resolve(io.roda.wal.WalFormat.segmentName(5_001));
        Files.write(created, new byte[16 * 1024]);
        final Recovery.Recovered r = Recovery.recover(dir, Recovery.USE_STORED, null);
        assertEquals(5_000, r.report().lastTxId());
        assertTrue(r.report().truncation().contains("header never completed"), r.report().truncation());
        try (Ledger ledger = Ledger.open(dir))
        {
            assertEquals(5_000, ledger.lastTxId(), "the ledger opens, deleting the empty segment");
        }
    }

    @Test
    void aDirectoryWithDataButNoLedgerFileIsRefusedAndANewOneGetsIt() throws Exception
    {
        final Path dir = tmp.resolve("noledger");
        crashImage(dir, tmp.resolve("unused"), 1_000);
        Files.delete(LedgerFile.path(dir));
        final RecoveryException e = assertThrows(RecoveryException.class, () -> Ledger.open(dir));
        assertTrue(e.getMessage().contains("no LEDGER file"), e.getMessage());
        assertThrows(RecoveryException.class, () -> Recovery.recover(dir, Recovery.USE_STORED, null));

        final Path fresh = tmp.resolve("fresh");
        Ledger.open(fresh).close();
        assertEquals(1 << 20, LedgerFile.read(fresh).maxAccounts(), "a new directory stores its settings");
        assertEquals(Files.size(LedgerFile.path(fresh)), LedgerFile.LENGTH);
    }

    @Test
    void aTornWriteOfOneLedgerFileCopyLeavesTheOther() throws Exception
    {
        final Path dir = tmp.resolve("torncopy");
        crashImage(dir, tmp.resolve("unused"), 5_000);
        final LedgerFile.State before = LedgerFile.read(dir);
        final long current = before.sequence() % 2 * 4096;
        try (RandomAccessFile file = new RandomAccessFile(LedgerFile.path(dir).toFile(), "rw"))
        {
            file.seek(current + 33);
            file.write(0x5A);
        }
        final LedgerFile.State after = LedgerFile.read(dir);
        assertEquals(before.sequence() - 1, after.sequence(), "the older copy is used");
        assertEquals(before.maxAccounts(), after.maxAccounts());
    }
}
