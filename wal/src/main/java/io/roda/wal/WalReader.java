package io.roda.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.roda.common.FileWindow;

/**
 * Reads WAL segments in order, verifying every frame, for recovery and inspection.
 *
 * <p>Rules: every frame's CRC32C must match and its ids must continue the previous frame's. A bad frame
 * is a <b>torn tail</b> (cut and reported) only when it is in the last segment and every byte after its
 * extent is zero, i.e. nothing was ever written after it. Anything else is corruption: a
 * {@link WalCorruptionException} naming the file and offset, and nothing is skipped. A segment whose header
 * fails its checks is a torn creation (cut) only when it is the last segment, holds nothing after its header,
 * and is newer than the newest segment the ledger recorded as created; otherwise it is corruption.
 *
 * <p>Files are read with positional reads ({@link FileWindow}), never mapped: a read fault is an
 * {@link IOException} naming the file and offset, not a SIGBUS.
 */
public final class WalReader
{
    /** Receives each valid record. */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * @param record      the record (a reused view: valid during the call only).
         * @param segment     the segment file.
         * @param frameOffset offset of the frame holding the record.
         */
        void onRecord(WalRecord record, Path segment, long frameOffset);
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
     * @param walDir          the wal directory.
     * @param fromTxId        the first transaction wanted (snapshot id + 1).
     * @param createdThrough  the first tx id of the newest segment the ledger recorded as created (its header
     *                        durable); a header problem in such a segment is corruption, never a torn creation.
     * @param handler         receives records, in id order.
     * @return what was found, including any torn tail that must be cut.
     * @throws WalCorruptionException when the log is damaged before its tail or has a gap.
     * @throws IOException            naming the file and offset when a read fails.
     */
    public static ScanResult scan(final Path walDir, final long fromTxId, final long createdThrough,
        final RecordHandler handler) throws IOException
    {
        final List<Path> all = listSegments(walDir);
        final WalRecord view = new WalRecord();
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
            try (FileWindow window = FileWindow.open(file))
            {
                final long size = window.size();
                if (size > Integer.MAX_VALUE)
                {
                    throw new WalCorruptionException(file, 0, "segment larger than 2 GiB: " + size + " bytes");
                }
                final String headerProblem = checkSegmentHeader(window, first);
                if (headerProblem != null)
                {
                    // A torn creation: the crash came before the header was durable and before the ledger
                    // recorded the segment as created, so no frame can have been committed into it.
                    if (last && first > createdThrough
                        && window.allZero(Math.min(size, WalFormat.SEGMENT_HEADER_LENGTH), size))
                    {
                        truncated += window.nonZeroExtent(0, size);
                        truncation = file + ": segment header never completed (" + headerProblem + ")";
                        summaries.add(new SegmentSummary(file, first, first - 1, 0, 0, 0, size));
                        return new ScanResult(summaries, expected - 1, file, first, -1, size, truncated, truncation);
                    }
                    throw new WalCorruptionException(file, 0, headerProblem + (last && first <= createdThrough
                        ? " (the ledger recorded this segment as created, so its header was durable)" : ""));
                }
                final long declared = window.getLong(24);
                if (declared != size)
                {
                    throw new WalCorruptionException(file, Math.min(size, declared), "segment is " + size
                        + " bytes but its header says " + declared + ": the file was truncated or extended");
                }
                long offset = WalFormat.SEGMENT_HEADER_LENGTH;
                int frames = 0;
                long records = 0;
                final long limit = size;
                while (offset + WalFormat.FRAME_HEADER_LENGTH <= limit)
                {
                    ByteBuffer buffer = window.window(offset, WalFormat.FRAME_HEADER_LENGTH);
                    int at = window.indexOf(offset);
                    final int magic = buffer.getInt(at);
                    if (magic == 0 && window.allZero(offset, offset + WalFormat.FRAME_HEADER_LENGTH))
                    {
                        break; // end of data
                    }
                    buffer = window.window(offset, WalFormat.FRAME_HEADER_LENGTH);
                    at = window.indexOf(offset);
                    final int count = buffer.getInt(at + WalFormat.FRAME_COUNT_OFFSET);
                    final int bodyLength = buffer.getInt(at + WalFormat.FRAME_LENGTH_OFFSET);
                    final long frameFirst = buffer.getLong(at + WalFormat.FRAME_FIRST_TX_OFFSET);
                    final int storedCrc = buffer.getInt(at + WalFormat.FRAME_CRC_OFFSET);
                    final boolean plausible = WalFormat.plausibleFrame(magic, count, bodyLength)
                        && offset + WalFormat.FRAME_HEADER_LENGTH + bodyLength <= limit;
                    String problem = null;
                    if (!plausible)
                    {
                        problem = "bad frame header (magic 0x" + Integer.toHexString(magic) + ", count " + count
                            + ", length " + bodyLength + ")";
                    }
                    else
                    {
                        buffer = window.window(offset, WalFormat.FRAME_HEADER_LENGTH + bodyLength);
                        at = window.indexOf(offset);
                        if (storedCrc != WalFormat.frameCrc(crc, buffer, at, bodyLength))
                        {
                            problem = "frame checksum mismatch";
                        }
                    }
                    if (problem != null)
                    {
                        final long extent = plausible ? offset + WalFormat.FRAME_HEADER_LENGTH + bodyLength
                            : offset + WalFormat.FRAME_HEADER_LENGTH;
                        if (last && window.allZero(extent, limit))
                        {
                            final long dirty = window.nonZeroExtent(offset, limit);
                            truncated += dirty;
                            truncation = file + " at offset " + offset + ": torn tail cut (" + problem + ")";
                            tailDirtyEnd = offset + dirty;
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
                    int rec = at + WalFormat.FRAME_HEADER_LENGTH;
                    final int bodyEnd = rec + bodyLength;
                    for (int r = 0; r < count; r++)
                    {
                        final int flags = buffer.get(rec + WalFormat.REC_FLAGS);
                        final int length = WalFormat.recordLength(flags);
                        if (rec + length > bodyEnd || (flags & ~(WalFormat.FLAG_LINKED | WalFormat.FLAG_KEYED)) != 0)
                        {
                            throw new WalCorruptionException(file, offset, "record " + r + " of the frame (transaction "
                                + (frameFirst + r) + ") has flags 0x" + Integer.toHexString(flags & 0xFF)
                                + " that do not fit the frame's body of " + bodyLength + " bytes");
                        }
                        if (r == count - 1 && (flags & WalFormat.FLAG_LINKED) != 0)
                        {
                            throw new WalCorruptionException(file, offset, "the frame ends inside a linked chain "
                                + "(its last record, transaction " + (frameFirst + r) + ", is linked)");
                        }
                        final long txId = frameFirst + r;
                        if (txId >= fromTxId)
                        {
                            view.decode(buffer, rec, txId, flags);
                            handler.onRecord(view, file, offset);
                        }
                        rec += length;
                    }
                    if (rec != bodyEnd)
                    {
                        throw new WalCorruptionException(file, offset, "the frame's " + count + " records end at byte "
                            + (rec - at - WalFormat.FRAME_HEADER_LENGTH) + " of its body of " + bodyLength + " bytes");
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

    private static String checkSegmentHeader(final FileWindow window, final long first) throws IOException
    {
        if (window.size() < WalFormat.SEGMENT_HEADER_LENGTH)
        {
            return "segment shorter than its header (" + window.size() + " bytes)";
        }
        final ByteBuffer buffer = window.window(0, WalFormat.SEGMENT_HEADER_LENGTH);
        final int at = window.indexOf(0);
        final ByteBuffer header = buffer.slice(at, WalFormat.SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getLong(0) != WalFormat.SEGMENT_MAGIC)
        {
            return "bad segment magic";
        }
        if (header.getInt(12) != WalFormat.segmentHeaderCrc(header))
        {
            return "segment header checksum mismatch";
        }
        if (header.getInt(8) != WalFormat.VERSION)
        {
            return header.getInt(8) == 1
                ? "WAL format version 1, written by a Roda Ledger from before payment semantics; this version reads "
                    + "version " + WalFormat.VERSION + " only and cannot open it"
                : "unsupported WAL version " + header.getInt(8);
        }
        if (header.getLong(16) != first)
        {
            return "header says first transaction " + header.getLong(16) + ", file name says " + first;
        }
        return null;
    }
}
