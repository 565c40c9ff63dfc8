package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.wal.WalFormat;
import io.roda.wal.WalReader;

/**
 * Attack on the WAL format 3 tail rule: a single bit flip in the <b>body length</b> field of the last committed
 * frame. The flipped length is still plausible for the record count, so recovery takes the frame's extent from it,
 * which then reaches past the real frame into the zeros after the data: "one of its sectors is all zero", and the
 * frame (every one of whose real sectors holds data) is cut as a torn tail, silently dropping acknowledged
 * transactions. A crash tears whole sectors, so a torn frame's header is either intact (its length is right) or
 * zero: a plausible header whose length points past the trailer is damage, not a torn write.
 */
@Timeout(120)
class WalFrameLengthAttackTest
{
    private static final long MAX_ACCOUNTS = 10;
    private static final int CHAIN = 64; // body 64 x 40 = 2560 = 0b1010_0000_0000: bit 1024 flips it to 3584 = 64 x 56

    @TempDir
    Path tmp;

    @Test
    void aBitFlipInTheLastCommittedFramesLengthIsNotCutAsATornTail() throws Exception
    {
        final Path dir = tmp.resolve("ledger");
        final LedgerConfig config = LedgerConfig.builder(dir).maxAccounts(MAX_ACCOUNTS).snapshotOnClose(false).build();
        byte[] ledgerFileBeforeClose;
        final long last;
        try (Ledger ledger = Ledger.open(config))
        {
            ledger.await(ledger.openAccount(1), Level.COMMITTED, Duration.ofSeconds(30));
            ledgerFileBeforeClose = Files.readAllBytes(dir.resolve("LEDGER"));
            final Operation[] chain = new Operation[CHAIN];
            for (int i = 0; i < CHAIN; i++)
            {
                chain[i] = Operation.deposit(1, i + 1);
            }
            final long first = ledger.submitChain(chain);
            last = first + CHAIN - 1;
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(30)));
        }
        // the power went before the close raised the watermark: the final frame is above it
        Files.write(dir.resolve("LEDGER"), ledgerFileBeforeClose);
        assertEquals(last, Recovery.recover(dir, MAX_ACCOUNTS, null).report().lastTxId(), "intact before the flip");

        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        final Path segment = segments.get(segments.size() - 1);
        final List<WalFrames.Frame> frames = WalFrames.of(segment);
        final WalFrames.Frame chainFrame = frames.get(frames.size() - 1);
        final int lastFrame = chainFrame.offset();
        assertEquals(CHAIN, chainFrame.count(), "the chain is the last frame, alone");
        assertEquals(WalFormat.frameLength(CHAIN * WalFormat.RECORD_LENGTH), chainFrame.length());

        // one bit of the durable frame flips (bit 10 of the body length: 2560 -> 3584, still count x 40..56)
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
        {
            file.seek(lastFrame + 20 + 1);
            final int b = file.read();
            file.seek(lastFrame + 20 + 1);
            file.write(b ^ 0x04);
        }

        try
        {
            final Recovery.Recovered r = Recovery.recover(dir, MAX_ACCOUNTS, null);
            fail("a damaged committed frame was accepted: recovered through tx " + r.report().lastTxId() + " of " + last
                + ", truncation: " + r.report().truncation());
        }
        catch (final RecoveryException e)
        {
            assertTrue(e.getMessage().contains(segment.toString()) && e.getMessage().contains("offset " + lastFrame),
                e.getMessage());
        }
    }
}
