package io.roda.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.roda.common.FileWindow;
import io.roda.storage.Storage;

/**
 * Reads WAL segments in order, verifying every frame, for recovery and inspection.
 *
 * <p>Rules: every frame's CRC32C and trailer must match and its ids must continue the previous frame's. A bad
 * frame is a <b>torn tail</b> (cut and reported) only when it is in the last segment, no valid frame follows it,
 * and one of the {@link WalFormat#TORN_SECTOR}-byte sectors it spans is all zero (a sector of the write that
 * never reached the disk; a written frame has data in every sector). Anything else is corruption: a
 * {@link WalCorruptionException} naming the file and offset, and nothing is skipped. Non-zero bytes after the
 * end of the data (a torn write whose first sector was lost) are cut too, so that the space a later frame is
 * written into is zero again. A segment whose header
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
        return listSegments(Storage.FILES, walDir);
    }

    /** @return the segment files of {@code walDir} in {@code storage}, oldest first; empty when the directory is absent. */
    public static List<Path> listSegments(final Storage storage, final Path walDir) throws IOException
    {
        final List<Path> segments = new ArrayList<>();
        for (final Path file : storage.list(walDir, WalFormat.SEGMENT_SUFFIX))
        {
            if (WalFormat.parseSegmentName(file.getFileName().toString()) >= 0)
            {
                segments.add(file);
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
        return scan(Storage.FILES, walDir, fromTxId, createdThrough, handler);
    }

    /** As {@link #scan(Path, long, long, RecordHandler)}, reading from {@code storage}. */
    public static ScanResult scan(final Storage storage, final Path walDir, final long fromTxId, final long createdThrough,
        final RecordHandler handler) throws IOException
    {
        final List<Path> all = listSegments(storage, walDir);
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
            try (FileWindow window = FileWindow.open(storage, file))
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
                        // end of data; a valid frame after it means a header was wiped, not a clean end
                        final long dirty = window.nonZeroExtent(offset, limit);
                        refuseIfFrameFollows(window, file, offset, offset + dirty, crc, "the frame header there is zero");
                        if (last)
                        {
                            // what a crash tore after the header's sector (it reads zero) is zeroed before reuse
                            if (dirty > 0)
                            {
                                truncated += dirty;
                                truncation = file + " at offset " + offset + ": torn tail cut (the frame's header "
                                    + "never reached the disk; " + dirty + " bytes after it did)";
                                tailDirtyEnd = offset + dirty;
                            }
                        }
                        break;
                    }
                    buffer = window.window(offset, WalFormat.FRAME_HEADER_LENGTH);
                    at = window.indexOf(offset);
                    final int count = buffer.getInt(at + WalFormat.FRAME_COUNT_OFFSET);
                    final int bodyLength = buffer.getInt(at + WalFormat.FRAME_LENGTH_OFFSET);
                    final long frameFirst = buffer.getLong(at + WalFormat.FRAME_FIRST_TX_OFFSET);
                    final String problem = frameProblem(window, offset, crc);
                    if (problem != null)
                    {
                        final boolean plausible = WalFormat.plausibleFrame(magic, count, bodyLength)
                            && offset + WalFormat.frameLength(bodyLength) <= limit;
                        if (!last)
                        {
                            throw new WalCorruptionException(file, offset, problem + "; later segments exist");
                        }
                        final long dirty = window.nonZeroExtent(offset, limit);
                        refuseIfFrameFollows(window, file, offset, offset + dirty, crc, problem);
                        final long extent = plausible ? writtenExtent(window, offset, bodyLength)
                            : Math.min(limit, offset + WalFormat.FRAME_HEADER_LENGTH);
                        final long zeroSector = zeroSector(window, offset, extent);
                        if (zeroSector < 0)
                        {
                            throw new WalCorruptionException(file, offset, problem + "; every " + WalFormat.TORN_SECTOR
                                + "-byte sector of the frame holds data, so a crash did not tear it: it was damaged "
                                + "after it was written and may hold committed transactions" + (plausible
                                    ? " " + frameFirst + ".." + (frameFirst + count - 1) : ""));
                        }
                        truncated += dirty;
                        truncation = file + " at offset " + offset + ": torn tail cut (" + problem + "; the sector at "
                            + "offset " + zeroSector + " never reached the disk)";
                        tailDirtyEnd = offset + dirty;
                        break;
                    }
                    buffer = window.window(offset, WalFormat.frameLength(bodyLength));
                    at = window.indexOf(offset);
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
                    offset += WalFormat.frameLength(bodyLength);
                }
                if (!last && frames == 0)
                {
                    throw new WalCorruptionException(file, WalFormat.SEGMENT_HEADER_LENGTH,
                        "segment holds no frames but later segments exist");
                }
                summaries.add(new SegmentSummary(file, first, expected - 1, frames, records, offset, size));
                tailEnd = offset;
                tailDirtyEnd = last ? Math.max(tailDirtyEnd, offset) : 0; // the tail's own: an earlier, larger segment's end is not
            }
        }
        final Path tail = all.get(all.size() - 1);
        return new ScanResult(summaries, expected - 1, tail, firstTxIdOf(tail), tailEnd, tailDirtyEnd, truncated, truncation);
    }

    /**
     * @return why the frame at {@code offset} is not valid (header, checksum or trailer), or null when it is.
     */
    private static String frameProblem(final FileWindow window, final long offset, final CRC32C crc) throws IOException
    {
        final long limit = window.size();
        if (offset + WalFormat.FRAME_HEADER_LENGTH > limit)
        {
            return "frame header cut short by the end of the segment";
        }
        ByteBuffer buffer = window.window(offset, WalFormat.FRAME_HEADER_LENGTH);
        int at = window.indexOf(offset);
        final int magic = buffer.getInt(at);
        final int count = buffer.getInt(at + WalFormat.FRAME_COUNT_OFFSET);
        final int bodyLength = buffer.getInt(at + WalFormat.FRAME_LENGTH_OFFSET);
        final int storedCrc = buffer.getInt(at + WalFormat.FRAME_CRC_OFFSET);
        if (!WalFormat.plausibleFrame(magic, count, bodyLength) || offset + WalFormat.frameLength(bodyLength) > limit)
        {
            return "bad frame header (magic 0x" + Integer.toHexString(magic) + ", count " + count + ", length "
                + bodyLength + ")";
        }
        buffer = window.window(offset, WalFormat.frameLength(bodyLength));
        at = window.indexOf(offset);
        if (storedCrc != WalFormat.frameCrc(crc, buffer, at, bodyLength))
        {
            return "frame checksum mismatch";
        }
        if (buffer.getLong(at + WalFormat.FRAME_HEADER_LENGTH + bodyLength) != WalFormat.FRAME_TRAILER)
        {
            return "frame trailer mismatch";
        }
        return null;
    }

    /**
     * A crash tears only what was written after the last force: at most the frame being committed. A valid frame
     * after a bad one (or after a zero header) was therefore written after it, so the bad one was committed and
     * then damaged.
     *
     * @param dataEnd the end of the segment's non-zero bytes.
     * @throws WalCorruptionException naming both offsets when a valid frame follows {@code offset}.
     */
    private static void refuseIfFrameFollows(final FileWindow window, final Path file, final long offset,
        final long dataEnd, final CRC32C crc, final String problem) throws IOException
    {
        for (long at = offset + 8; at + WalFormat.FRAME_HEADER_LENGTH <= dataEnd; at += 8) // frames are 8-byte aligned
        {
            final ByteBuffer b = window.window(at, 4);
            if (b.getInt(window.indexOf(at)) == WalFormat.FRAME_MAGIC && frameProblem(window, at, crc) == null)
            {
                throw new WalCorruptionException(file, offset, problem + "; a valid frame follows at offset " + at
                    + ", so this is not a torn tail but damage to committed data");
            }
        }
    }

    /**
     * The end of what was written for the plausible frame header at {@code offset}: its claimed end, unless its
     * records, walked from the body by their flags, reach the trailer earlier. A crash tears whole sectors of
     * zero-filled space, so a torn header is either intact or has zero fields: a plausible length is the one written.
     * A trailer at a record boundary before the claimed end therefore means the length field was damaged after
     * the frame was written whole; taking the extent from the damaged length would reach into the zeros after the
     * data and call a committed frame torn. (A record's first word has a zero byte, so it is never the trailer;
     * the walk stops at a record with op type 0: a sector the torn write never put there.)
     */
    private static long writtenExtent(final FileWindow window, final long offset, final int bodyLength)
        throws IOException
    {
        final long claimedTrailer = offset + WalFormat.FRAME_HEADER_LENGTH + bodyLength;
        long at = offset + WalFormat.FRAME_HEADER_LENGTH;
        while (at < claimedTrailer)
        {
            if (window.getLong(at) == WalFormat.FRAME_TRAILER)
            {
                return at + WalFormat.FRAME_TRAILER_LENGTH;
            }
            if (window.get(at + WalFormat.REC_TYPE) == 0)
            {
                break;
            }
            at += WalFormat.recordLength(window.get(at + WalFormat.REC_FLAGS));
        }
        return claimedTrailer + WalFormat.FRAME_TRAILER_LENGTH;
    }

    /**
     * @return the offset of the first {@link WalFormat#TORN_SECTOR}-aligned sector whose part of
     *         {@code [from, to)} is all zero (never written: a torn write), or -1 when every one holds data.
     */
    private static long zeroSector(final FileWindow window, final long from, final long to) throws IOException
    {
        long at = from;
        while (at < to)
        {
            final long sectorEnd = Math.min(to, (at / WalFormat.TORN_SECTOR + 1) * WalFormat.TORN_SECTOR);
            if (window.allZero(at, sectorEnd))
            {
                return at;
            }
            at = sectorEnd;
        }
        return -1;
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
                : header.getInt(8) == 2
                ? "WAL format version 2, written by a Roda Ledger from before frame trailers (issue 12); this version "
                    + "reads version " + WalFormat.VERSION + " only and cannot open it"
                : "unsupported WAL version " + header.getInt(8);
        }
        if (header.getLong(16) != first)
        {
            return "header says first transaction " + header.getLong(16) + ", file name says " + first;
        }
        return null;
    }
}
