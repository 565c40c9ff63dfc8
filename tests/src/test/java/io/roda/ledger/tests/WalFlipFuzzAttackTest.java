package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
 * The WAL tail rule under the simulator's own fault (1 to 8 bits flipped in one durable 512-byte sector), applied
 * exhaustively to the frame headers and trailers and at random to the data of the last segment of a real ledger
 * directory after a crash (its LEDGER file from before the close, so the watermark does not protect the tail):
 * recovery either refuses naming the segment, or recovers every acknowledged transaction. Never fewer, silently.
 */
@Timeout(180)
class WalFlipFuzzAttackTest
{
    private static final long MAX_ACCOUNTS = 10;

    @TempDir
    Path tmp;

    @Test
    void noSectorDamageInTheLastSegmentLosesAcknowledgedTransactions() throws Exception
    {
        final Path dir = tmp.resolve("ledger");
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(MAX_ACCOUNTS).snapshotOnClose(false)
            .snapshotEveryTx(0).maxBatch(64).laneSize(64).walSegmentSize(1 << 16).build();
        final byte[] ledgerBeforeClose;
        long last = 0;
        final SplittableRandom sizes = new SplittableRandom(5);
        try (Ledger ledger = Ledger.open(config))
        {
            ledger.await(ledger.openAccount(1), Level.COMMITTED, Duration.ofSeconds(30));
            ledgerBeforeClose = Files.readAllBytes(dir.resolve("LEDGER"));
            for (int f = 0; f < 30; f++)
            {
                final int n = 1 + sizes.nextInt(40);
                final Operation[] chain = new Operation[n];
                for (int i = 0; i < n; i++)
                {
                    chain[i] = Operation.deposit(1, 1 + i);
                }
                final long first = n == 1 ? ledger.submit(chain[0]) : ledger.submitChain(chain);
                last = first + n - 1;
                assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(30)));
            }
        }
        Files.write(dir.resolve("LEDGER"), ledgerBeforeClose);
        assertEquals(last, Recovery.recover(dir, MAX_ACCOUNTS, null).report().lastTxId());
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        assertEquals(1, segments.size());
        final Path segment = segments.get(0);
        final byte[] original = Files.readAllBytes(segment);
        final List<WalFrames.Frame> frames = WalFrames.of(segment);
        final WalFrames.Frame lastFrame = frames.get(frames.size() - 1);
        final int dataEnd = lastFrame.offset() + lastFrame.length();
        final List<String> failures = new ArrayList<>();
        int tried = 0;
        // every single bit of every frame header and trailer
        for (final WalFrames.Frame frame : frames)
        {
            for (int bit = 0; bit < 8 * 32; bit++)
            {
                tried++;
                check(dir, segment, original, last, new int[] {frame.offset() * 8 + bit}, failures);
            }
            for (int bit = 0; bit < 64; bit++)
            {
                tried++;
                check(dir, segment, original, last, new int[] {(frame.offset() + frame.length() - 8) * 8 + bit}, failures);
            }
        }
        // the simulator's fault: 1..8 bits in one sector, anywhere in the data (and the sector after it)
        final SplittableRandom random = new SplittableRandom(12);
        final int sectors = (dataEnd + 511) / 512 + 1;
        for (int i = 0; i < 3000; i++)
        {
            final int sector = random.nextInt(sectors);
            final int[] bits = new int[1 + random.nextInt(8)];
            for (int b = 0; b < bits.length; b++)
            {
                bits[b] = sector * 512 * 8 + random.nextInt(512 * 8);
            }
            tried++;
            check(dir, segment, original, last, bits, failures);
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + tried + " damaged segments lost acknowledged "
            + "transactions silently, e.g. " + failures.subList(0, Math.min(5, failures.size())));
    }

    private static void check(final Path dir, final Path segment, final byte[] original, final long last, final int[] bits,
        final List<String> failures) throws Exception
    {
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
        {
            for (final int bit : bits)
            {
                file.seek(bit / 8);
                final int b = file.read();
                file.seek(bit / 8);
                file.write(b ^ (1 << (bit % 8)));
            }
        }
        try
        {
            final Recovery.Recovered r = Recovery.recover(dir, MAX_ACCOUNTS, null);
            if (r.report().lastTxId() != last)
            {
                failures.add("bits " + java.util.Arrays.toString(bits) + ": recovered " + r.report().lastTxId() + " of "
                    + last + " (" + r.report().truncation() + ")");
            }
        }
        catch (final RecoveryException e)
        {
            if (!e.getMessage().contains(segment.toString()))
            {
                failures.add("bits " + java.util.Arrays.toString(bits) + ": refused without naming the segment: "
                    + e.getMessage());
            }
        }
        finally
        {
            try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
            {
                for (final int bit : bits)
                {
                    file.seek(bit / 8);
                    file.write(original[bit / 8]);
                }
            }
        }
    }
}
