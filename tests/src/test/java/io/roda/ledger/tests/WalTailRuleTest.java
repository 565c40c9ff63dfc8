package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.wal.WalFormat;
import io.roda.wal.WalReader;

/**
 * The WAL format 3 tail rule on real files (docs/FORMATS.md): a bad final frame is cut as a torn tail only when
 * one of its 512-byte sectors is all zero (a write that never reached the disk); a bad final frame whose sectors
 * all hold data was damaged after it was written, so recovery refuses and names the file and offset instead of
 * dropping committed transactions.
 */
@Timeout(120)
class WalTailRuleTest
{
    private static final long MAX_ACCOUNTS = 100;
    private static final int TRANSACTIONS = 3_000;

    @TempDir
    Path tmp;

    private Path dir;
    /** {@code DIR/LEDGER} as a crash before the close would have left it: its watermark below the WAL's tail. */
    private byte[] ledgerFileBeforeClose;
    private final TreeMap<Long, TreeMap<Long, Long>> modelAfter = new TreeMap<>();

    @BeforeEach
    void buildLedger() throws Exception
    {
        dir = tmp.resolve("ledger");
        final Workload workload = new Workload(5, 40);
        final ReferenceLedger model = new ReferenceLedger(MAX_ACCOUNTS);
        modelAfter.put(0L, model.balances());
        // no snapshot covers the tail, so the final frame's transactions live only in the WAL
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(MAX_ACCOUNTS).maxBatch(64)
            .snapshotOnClose(false).build();
        try (Ledger ledger = Ledger.open(config))
        {
            for (long i = 1; i <= TRANSACTIONS; i++)
            {
                final Operation op = workload.op(i);
                ledger.submit(op);
                model.apply(op.type(), op.account(), op.toAccount(), op.amount());
                modelAfter.put(i, model.balances());
                if (i % 50 == 0)
                {
                    ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30)); // many frames, not one
                    if (ledgerFileBeforeClose == null)
                    {
                        ledgerFileBeforeClose = Files.readAllBytes(dir.resolve("LEDGER"));
                    }
                }
            }
            ledger.await(TRANSACTIONS, Level.COMMITTED, Duration.ofSeconds(30));
        }
        try (Stream<Path> snapshots = Files.list(Recovery.snapshotDirectory(dir)))
        {
            assertEquals(0, snapshots.count(), "the scenario has no snapshot");
        }
        assertEquals(1, WalReader.listSegments(Recovery.walDirectory(dir)).size(), "no segment roll raised the watermark");
        final Recovery.Recovered intact = Recovery.recover(dir, MAX_ACCOUNTS, null);
        assertEquals(TRANSACTIONS, intact.report().lastTxId());
        assertEquals(modelAfter.get((long)TRANSACTIONS), ReferenceLedger.balancesOf(intact));
    }

    @Test
    void aBitFlipInTheLastCommittedFrameIsRefusedNamingTheFileAndOffset() throws Exception
    {
        // even above the watermark (a crash before the close): only the sector rule tells damage from a torn write
        Files.write(dir.resolve("LEDGER"), ledgerFileBeforeClose);
        final WalFrames.Frame last = lastFrame();
        assertTrue(last.length() > WalFormat.TORN_SECTOR / 4, "the frame holds several records: " + last.length());
        try (RandomAccessFile file = new RandomAccessFile(last.segment().toFile(), "rw"))
        {
            final long at = last.offset() + WalFormat.FRAME_HEADER_LENGTH + 13; // inside the first record
            file.seek(at);
            final int b = file.read();
            file.seek(at);
            file.write(b ^ 0x04);
        }
        final RecoveryException e = assertThrows(RecoveryException.class, () -> Recovery.recover(dir, MAX_ACCOUNTS, null));
        assertTrue(e.getMessage().contains(last.segment().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + last.offset()), e.getMessage());
        assertTrue(e.getMessage().contains("damaged after it was written"), e.getMessage());
    }

    @Test
    void aFinalFrameWithAZeroSectorAboveTheWatermarkIsATornTailAndIsCut() throws Exception
    {
        Files.write(dir.resolve("LEDGER"), ledgerFileBeforeClose); // the power went before the close raised it
        final WalFrames.Frame last = lastFrame();
        zeroTrailerSector(last);
        final Recovery.Recovered r = Recovery.recover(dir, MAX_ACCOUNTS, null);
        final long recovered = r.report().lastTxId();
        assertEquals(last.firstTxId() - 1, recovered, "exactly the torn frame is cut");
        assertEquals(modelAfter.get(recovered), ReferenceLedger.balancesOf(r), "the state is the model's after the last whole frame");
        assertNotNull(r.report().truncation());
        assertTrue(r.report().truncation().contains(last.segment().getFileName().toString())
            && r.report().truncation().contains("offset " + last.offset()), r.report().truncation());
        assertTrue(r.report().truncatedBytes() > 0);
    }

    @Test
    void aTornFinalFrameAtOrBelowTheWatermarkIsRefusedAsMissingCommittedTransactions() throws Exception
    {
        final WalFrames.Frame last = lastFrame();
        zeroTrailerSector(last);
        final RecoveryException e = assertThrows(RecoveryException.class, () -> Recovery.recover(dir, MAX_ACCOUNTS, null));
        assertTrue(e.getMessage().contains("committed transactions " + last.firstTxId() + ".." + TRANSACTIONS + " are missing"),
            e.getMessage());
        assertTrue(e.getMessage().contains(last.segment().toString()) && e.getMessage().contains("offset " + last.offset()),
            e.getMessage());
    }

    /** Zeroes the frame's bytes in the sector that holds its trailer: that write never reached the disk. */
    private static void zeroTrailerSector(final WalFrames.Frame last) throws IOException
    {
        final long trailer = last.offset() + last.length() - WalFormat.FRAME_TRAILER_LENGTH;
        final long sector = trailer / WalFormat.TORN_SECTOR * WalFormat.TORN_SECTOR;
        final long from = Math.max(sector, last.offset() + WalFormat.FRAME_HEADER_LENGTH);
        final long to = Math.min(sector + WalFormat.TORN_SECTOR, last.offset() + last.length());
        try (RandomAccessFile file = new RandomAccessFile(last.segment().toFile(), "rw"))
        {
            file.seek(from);
            file.write(new byte[(int)(to - from)]);
        }
    }

    @Test
    void aBitFlipInAMiddleFrameIsRefusedEvenWithAZeroSectorBecauseAValidFrameFollows() throws Exception
    {
        final List<WalFrames.Frame> frames = WalFrames.of(lastSegment());
        assertTrue(frames.size() >= 3, "the last segment has several frames");
        final WalFrames.Frame middle = frames.get(frames.size() / 2);
        try (RandomAccessFile file = new RandomAccessFile(middle.segment().toFile(), "rw"))
        {
            file.seek(middle.offset() + WalFormat.FRAME_HEADER_LENGTH);
            file.write(new byte[(int)Math.min(WalFormat.TORN_SECTOR, middle.length() - WalFormat.FRAME_HEADER_LENGTH)]);
        }
        final RecoveryException e = assertThrows(RecoveryException.class, () -> Recovery.recover(dir, MAX_ACCOUNTS, null));
        assertTrue(e.getMessage().contains(middle.segment().toString()) && e.getMessage().contains("offset " + middle.offset()),
            e.getMessage());
        assertTrue(e.getMessage().contains("a valid frame follows"), e.getMessage());
    }

    private Path lastSegment() throws IOException
    {
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        return segments.get(segments.size() - 1);
    }

    private WalFrames.Frame lastFrame() throws IOException
    {
        final List<WalFrames.Frame> frames = WalFrames.of(lastSegment());
        assertTrue(frames.size() >= 2, "the last segment has several frames");
        return frames.get(frames.size() - 1);
    }
}
