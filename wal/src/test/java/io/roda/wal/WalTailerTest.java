package io.roda.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.storage.Storage;

/** {@link WalTailer}: hands over exactly the committed records, in order, across segments, and verifies them. */
class WalTailerTest
{
    @TempDir
    Path dir;

    /** Writes transactions 1..n in frames of {@code perFrame}; record i: account i, amount 10 i, keyed when i % 3 == 0. */
    private void write(final long n, final int perFrame, final long segmentSize) throws IOException
    {
        try (WalWriter writer = new WalWriter(dir, segmentSize, perFrame, Storage.FILES))
        {
            long tx = 1;
            while (tx <= n)
            {
                writer.beginFrame(tx);
                for (int r = 0; r < perFrame && tx <= n; r++, tx++)
                {
                    writer.addRecord(4, 0, tx % 3 == 0 ? WalFormat.FLAG_KEYED : 0, 0, tx, tx + 1, 10 * tx, 1000 + tx,
                        tx % 3 == 0 ? -tx : 0, tx % 3 == 0 ? tx * 7 : 0);
                }
                writer.commitFrame();
            }
        }
    }

    private static List<Long> poll(final WalTailer tailer, final long committed, final int max) throws IOException
    {
        final List<Long> ids = new ArrayList<>();
        tailer.poll(committed, max, (record, segment, offset) ->
        {
            assertEquals(record.txId, record.account, "account of " + record.txId);
            assertEquals(10 * record.txId, record.amount, "amount of " + record.txId);
            assertEquals(1000 + record.txId, record.timestamp, "timestamp of " + record.txId);
            assertEquals(record.txId % 3 == 0 ? record.txId * 7 : 0, record.keyLo, "key of " + record.txId);
            ids.add(record.txId);
        });
        return ids;
    }

    @Test
    void handsOverCommittedRecordsInOrderAcrossSegments() throws IOException
    {
        write(1000, 7, 64 + 32 + 56 * 8 + 2000); // a few frames per segment: many rolls
        assertTrue(WalReader.listSegments(dir).size() > 20, "segments: " + WalReader.listSegments(dir).size());
        try (WalTailer tailer = new WalTailer(dir, 1))
        {
            final List<Long> all = new ArrayList<>();
            long committed = 0;
            while (all.size() < 1000)
            {
                committed = Math.min(1000, committed + 13);
                all.addAll(poll(tailer, committed, 1 << 20));
                assertEquals(committed, all.isEmpty() ? 0 : all.get(all.size() - 1), "stops exactly at the bound");
            }
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(i + 1, all.get(i));
            }
            assertEquals(0, poll(tailer, 1000, 10).size(), "nothing beyond the commit index");
            assertEquals(1001, tailer.nextTxId());
        }
    }

    @Test
    void resumesFromAnyIdInsideAFrame() throws IOException
    {
        write(100, 10, 1 << 20);
        try (WalTailer tailer = new WalTailer(dir, 57))
        {
            final List<Long> ids = poll(tailer, 100, 1 << 20);
            assertEquals(44, ids.size());
            assertEquals(57, ids.get(0));
            assertEquals(100, ids.get(43));
        }
    }

    @Test
    void maxRecordsStopsAtAFrameBoundary() throws IOException
    {
        write(100, 10, 1 << 20);
        try (WalTailer tailer = new WalTailer(dir, 1))
        {
            assertEquals(20, poll(tailer, 100, 15).size(), "whole frames: 10 + 10");
            assertEquals(21, tailer.nextTxId());
        }
    }

    @Test
    void aCommittedFrameThatDoesNotVerifyIsCorruption() throws IOException
    {
        write(30, 10, 1 << 20);
        final Path segment = WalReader.listSegments(dir).get(0);
        // frame 1: txs 1..10, of which 3, 6 and 9 are keyed (56 bytes), the rest 40: a 448-byte body
        final long secondFrameBody = WalFormat.SEGMENT_HEADER_LENGTH + WalFormat.frameLength(448)
            + WalFormat.FRAME_HEADER_LENGTH + WalFormat.REC_ACCOUNT; // tx 11's account
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, secondFrameBody);
            one.flip();
            final byte flipped = (byte)(one.get(0) ^ 0x40);
            channel.write(ByteBuffer.wrap(new byte[] {flipped}), secondFrameBody);
        }
        try (WalTailer tailer = new WalTailer(dir, 1))
        {
            final WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> poll(tailer, 30, 1 << 20));
            assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
            assertEquals(11, tailer.nextTxId(), "the first frame was handed over, nothing of the damaged one");
        }
    }

    @Test
    void aMissingSegmentIsRefusedNamingTheTransaction() throws IOException
    {
        write(1000, 7, 64 + 32 + 56 * 8 + 2000);
        final List<Path> segments = WalReader.listSegments(dir);
        Files.delete(segments.get(0));
        try (WalTailer tailer = new WalTailer(dir, 1))
        {
            final IOException e = assertThrows(IOException.class, () -> poll(tailer, 1000, 1 << 20));
            assertTrue(e.getMessage().contains("transaction 1"), e.getMessage());
        }
        Files.delete(segments.get(3));
        try (WalTailer tailer = new WalTailer(dir, WalReader.firstTxIdOf(segments.get(1))))
        {
            assertThrows(WalCorruptionException.class, () -> poll(tailer, 1000, 1 << 20), "a gap between segments");
        }
    }
}
