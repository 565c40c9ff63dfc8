package io.roda.wal;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads WAL segments in order, verifying every frame, for recovery and inspection.
 *
 * <p>Rules: every frame's CRC32C must match and its ids must continue the previous frame's. A bad frame
 * is a <b>torn tail</b> (cut and reported) only when it is in the last segment and every byte after its
 * extent is zero, i.e. nothing was ever written after it. Anything else is corruption: a
 * {@link WalCorruptionException} naming the file and offset, and nothing is skipped.
 */
public final class WalReader
{
    /** Receives each valid record. */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * @param txId        the transaction id.
         * @param segment     the segment file.
         * @param frameOffset offset of the frame holding the record.
         */
        void onRecord(long txId, int type, int result, long account, long toAccount, long amount,
            Path segment, long frameOffset);
    }

    /** What one segment held. */
    public record SegmentSummary(Path file, long firstTxId, long lastTxId, int frames, long records,
        long validEnd, long fileSize)
    {
    }

    /** The outcome of a scan. */
    public record ScanResult(List<SegmentSummary> segments, long lastTxId, Path tailSegment, long tailFirstTxId,
        long tailEnd, long tailDirtyEnd, long truncatedBytes, String truncation)
    {
    }

    private WalReader()
    {
    }

    /** @return the segment files of {@code walDir}, oldest first; empty when the directory is absent. */
    public static List<Path> listSegments(final Path walDir) throws IOException
    {
        final List<Path> segments = new ArrayList<>();
        if (!Files.isDirectory(walDir))
        {
            return segments;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(walDir, "*" + WalFormat.SEGMENT_SUFFIX))
        {
            for (final Path file : files)
            {
                if (WalFormat.parseSegmentName(file.getFileName().toString()) >= 0)
                {
                    segments.add(file);
                }
            }
        }
        segments.sort((a, b) -> Long.compare(firstTxIdOf(a), firstTxIdOf(b)));
        return segments;
    }

    /** @return the first tx id in a segment's file name. */
    public static long firstTxIdOf(final Path segment)
    {
        return WalFormat.parseSegmentName(segment.getFileName().toString());
    }

    /**
     * Verifies the WAL and hands every record with id {@code >= fromTxId} to {@code handler}.
     *
     * @param walDir   the wal directory.
     * @param fromTxId the first transaction wanted (snapshot id + 1).
     * @param handler  receives records, in id order.
     * @return what was found, including any torn tail that must be cut.
     * @throws WalCorruptionException when the log is damaged before its tail or has a gap.
     */
    public static ScanResult scan(final Path walDir, final long fromTxId, final RecordHandler handler) throws IOException
    {
        final List<Path> all = listSegments(walDir);
        int start = 0;
        for (int i = 0; i < all.size(); i++)
        {
            if (firstTxIdOf(all.get(i)) <= fromTxId)
            {
                start = i;
            }
        }
        final List<SegmentSummary> summaries = new ArrayList<>();
        if (all.isEmpty())
        {
            return new ScanResult(summaries, fromTxId - 1, null, 0, 0, 0, 0, null);
        }
        if (firstTxIdOf(all.get(start)) > fromTxId)
        {
            throw new WalCorruptionException(all.get(start), 0, "WAL starts at transaction "
                + firstTxIdOf(all.get(start)) + " but transactions from " + fromTxId + " are needed");
        }
        final CRC32C crc = new CRC32C();
        long expected = firstTxIdOf(all.get(start));
        long truncated = 0;
        String truncation = null;
        long tailEnd = 0;
        long tailDirtyEnd = 0;
        for (int s = start; s < all.size(); s++)
        {
            final Path file = all.get(s);
            final boolean last = s == all.size() - 1;
            final long first = firstTxIdOf(file);
            if (first != expected)
            {
                throw new WalCorruptionException(file, 0, "segment starts at transaction " + first
                    + ", expected " + expected + " (missing or overlapping segment)");
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final long size = channel.size();
                if (size > Integer.MAX_VALUE)
                {
                    throw new WalCorruptionException(file, 0, "segment larger than 2 GiB: " + size + " bytes");
                }
                final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                buffer.order(ByteOrder.LITTLE_ENDIAN);
                final String headerProblem = checkSegmentHeader(buffer, first);
                if (headerProblem != null)
                {
                    if (last && allZero(buffer, WalFormat.SEGMENT_HEADER_LENGTH, (int)size))
                    {
                        // created, but the crash came before its header was durable: nothing in it
                        truncated += nonZeroExtent(buffer, 0, (int)size);
                        truncation = file + ": segment header never completed (" + headerProblem + ")";
                        summaries.add(new SegmentSummary(file, first, first - 1, 0, 0, 0, size));
                        return new ScanResult(summaries, expected - 1, file, first, -1, size, truncated, truncation);
                    }
                    throw new WalCorruptionException(file, 0, headerProblem);
                }
                final long declared = buffer.getLong(24);
                if (declared != size)
                {
                    throw new WalCorruptionException(file, Math.min(size, declared), "segment is " + size
                        + " bytes but its header says " + declared + ": the file was truncated or extended");
                }
                int offset = WalFormat.SEGMENT_HEADER_LENGTH;
                int frames = 0;
                long records = 0;
                final int limit = (int)size;
                while (offset + WalFormat.FRAME_HEADER_LENGTH <= limit)
                {
                    final int magic = buffer.getInt(offset);
                    if (magic == 0 && allZero(buffer, offset, Math.min(limit, offset + WalFormat.FRAME_HEADER_LENGTH)))
                    {
                        break; // end of data
                    }
                    final int count = buffer.getInt(offset + WalFormat.FRAME_COUNT_OFFSET);
                    final int bodyLength = buffer.getInt(offset + WalFormat.FRAME_LENGTH_OFFSET);
                    final long frameFirst = buffer.getLong(offset + WalFormat.FRAME_FIRST_TX_OFFSET);
                    final boolean plausible = magic == WalFormat.FRAME_MAGIC && count > 0
                        && bodyLength == count * WalFormat.RECORD_LENGTH
                        && (long)offset + WalFormat.FRAME_HEADER_LENGTH + bodyLength <= limit;
                    String problem = null;
                    if (!plausible)
                    {
                        problem = "bad frame header (magic 0x" + Integer.toHexString(magic) + ", count " + count
                            + ", length " + bodyLength + ")";
                    }
                    else if (buffer.getInt(offset + WalFormat.FRAME_CRC_OFFSET)
                        != WalFormat.frameCrc(crc, buffer, offset, bodyLength))
                    {
                        problem = "frame checksum mismatch";
                    }
                    if (problem != null)
                    {
                        final int extent = plausible ? offset + WalFormat.FRAME_HEADER_LENGTH + bodyLength
                            : offset + WalFormat.FRAME_HEADER_LENGTH;
                        if (last && allZero(buffer, extent, limit))
                        {
                            truncated += nonZeroExtent(buffer, offset, limit);
                            truncation = file + " at offset " + offset + ": torn tail cut (" + problem + ")";
                            tailDirtyEnd = offset + nonZeroExtent(buffer, offset, limit);
                            break;
                        }
                        throw new WalCorruptionException(file, offset, problem
                            + (last ? "; data follows it, so it is not a torn tail" : "; later segments exist"));
                    }
                    if (frameFirst != expected)
                    {
                        throw new WalCorruptionException(file, offset, "frame starts at transaction " + frameFirst
                            + ", expected " + expected);
                    }
                    for (int r = 0; r < count; r++)
                    {
                        final long txId = frameFirst + r;
                        if (txId >= fromTxId)
                        {
                            final int at = offset + WalFormat.FRAME_HEADER_LENGTH + r * WalFormat.RECORD_LENGTH;
                            handler.onRecord(txId, buffer.get(at + WalFormat.REC_TYPE), buffer.get(at + WalFormat.REC_RESULT),
                                buffer.getLong(at + WalFormat.REC_ACCOUNT), buffer.getLong(at + WalFormat.REC_TO_ACCOUNT),
                                buffer.getLong(at + WalFormat.REC_AMOUNT), file, offset);
                        }
                    }
                    expected = frameFirst + count;
                    frames++;
                    records += count;
                    offset += WalFormat.FRAME_HEADER_LENGTH + bodyLength;
                }
                if (!last && frames == 0)
                {
                    throw new WalCorruptionException(file, WalFormat.SEGMENT_HEADER_LENGTH,
                        "segment holds no frames but later segments exist");
                }
                summaries.add(new SegmentSummary(file, first, expected - 1, frames, records, offset, size));
                tailEnd = offset;
                tailDirtyEnd = Math.max(tailDirtyEnd, offset);
            }
        }
        final Path tail = all.get(all.size() - 1);
        return new ScanResult(summaries, expected - 1, tail, firstTxIdOf(tail), tailEnd, tailDirtyEnd, truncated, truncation);
    }

    private static String checkSegmentHeader(final MappedByteBuffer buffer, final long first)
    {
        if (buffer.capacity() < WalFormat.SEGMENT_HEADER_LENGTH)
        {
            return "segment shorter than its header";
        }
        if (buffer.getLong(0) != WalFormat.SEGMENT_MAGIC)
        {
            return "bad segment magic";
        }
        if (buffer.getInt(12) != WalFormat.segmentHeaderCrc(buffer))
        {
            return "segment header checksum mismatch";
        }
        if (buffer.getInt(8) != WalFormat.VERSION)
        {
            return "unsupported WAL version " + buffer.getInt(8);
        }
        if (buffer.getLong(16) != first)
        {
            return "header says first transaction " + buffer.getLong(16) + ", file name says " + first;
        }
        return null;
    }

    private static boolean allZero(final MappedByteBuffer buffer, final int from, final int to)
    {
        int i = from;
        for (; i + 8 <= to; i += 8)
        {
            if (buffer.getLong(i) != 0)
            {
                return false;
            }
        }
        for (; i < to; i++)
        {
            if (buffer.get(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /** @return bytes from {@code from} up to and including the last non-zero byte before {@code to}. */
    private static int nonZeroExtent(final MappedByteBuffer buffer, final int from, final int to)
    {
        for (int i = to - 1; i >= from; i--)
        {
            if (buffer.get(i) != 0)
            {
                return i - from + 1;
            }
        }
        return 0;
    }
}
