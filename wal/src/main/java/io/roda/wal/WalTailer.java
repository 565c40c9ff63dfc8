package io.roda.wal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Follows a live WAL from a transaction id on, handing over only what is committed: a frame is read only once
 * the caller's commit index covers its first transaction, and frames are forced whole before the commit index
 * moves, so a frame it reads is complete, durable and never erased. Every frame's checksum is verified; a
 * frame that does not verify, or a gap, is a {@link WalCorruptionException} naming the file and offset.
 *
 * <p>Reads with positional reads into its own buffer and keeps one segment open at a time; it moves to the
 * next segment when the current one has no more data and the segment that starts at the next id exists
 * (the writer creates it only after the last frame of the current one). Owner thread only.
 */
public final class WalTailer implements AutoCloseable
{
    private final Path walDir;
    private final CRC32C crc = new CRC32C();
    private final WalRecord view = new WalRecord();
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private FileChannel channel;
    private Path segment;
    private long position;
    private long frameFirst;   // the first tx id of the frame at position
    private long nextTxId;     // the next transaction to hand over

    /**
     * @param walDir   the ledger's wal directory.
     * @param fromTxId the first transaction to hand over (at least 1).
     */
    public WalTailer(final Path walDir, final long fromTxId)
    {
        if (fromTxId < 1)
        {
            throw new IllegalArgumentException("fromTxId must be at least 1, was " + fromTxId);
        }
        this.walDir = walDir;
        this.nextTxId = fromTxId;
    }

    /** @return the next transaction this tailer will hand over. */
    public long nextTxId()
    {
        return nextTxId;
    }

    /**
     * Hands over the committed records from {@link #nextTxId()} on, up to {@code committedThrough}.
     *
     * @param committedThrough the commit index (every transaction up to it was forced), or any lower bound.
     * @param maxRecords       stop after the frame that reaches this many records (at least 1).
     * @param handler          receives each record, in id order (a reused view).
     * @return records handed over; 0 when nothing new is committed.
     * @throws WalCorruptionException when a frame does not verify or the ids do not follow on.
     * @throws IOException            when a read fails or the WAL no longer holds {@link #nextTxId()}.
     */
    public int poll(final long committedThrough, final int maxRecords, final WalReader.RecordHandler handler)
        throws IOException
    {
        int handed = 0;
        while (handed < maxRecords && nextTxId <= committedThrough)
        {
            if (channel == null)
            {
                open();
            }
            if (position + WalFormat.FRAME_HEADER_LENGTH > channel.size()
                || read(position, WalFormat.FRAME_HEADER_LENGTH).getInt(0) == 0)
            {
                // no more data here: a committed transaction beyond it lives in the next segment
                final Path next = walDir.resolve(WalFormat.segmentName(frameFirst));
                if (!Files.exists(next))
                {
                    throw new WalCorruptionException(segment, position, "transaction " + frameFirst
                        + " is committed but neither this segment nor " + next.getFileName() + " holds it");
                }
                switchTo(next, frameFirst);
                continue;
            }
            final ByteBuffer header = read(position, WalFormat.FRAME_HEADER_LENGTH);
            final int magic = header.getInt(0);
            final int count = header.getInt(WalFormat.FRAME_COUNT_OFFSET);
            final long first = header.getLong(WalFormat.FRAME_FIRST_TX_OFFSET);
            final int bodyLength = header.getInt(WalFormat.FRAME_LENGTH_OFFSET);
            final int storedCrc = header.getInt(WalFormat.FRAME_CRC_OFFSET);
            if (!WalFormat.plausibleFrame(magic, count, bodyLength) || first != frameFirst)
            {
                throw new WalCorruptionException(segment, position, "bad committed frame (magic 0x"
                    + Integer.toHexString(magic) + ", count " + count + ", length " + bodyLength + ", first tx "
                    + first + ", expected " + frameFirst + ")");
            }
            final ByteBuffer frame = read(position, WalFormat.frameLength(bodyLength));
            if (storedCrc != WalFormat.frameCrc(crc, frame, 0, bodyLength)
                || frame.getLong(WalFormat.FRAME_HEADER_LENGTH + bodyLength) != WalFormat.FRAME_TRAILER)
            {
                throw new WalCorruptionException(segment, position, "committed frame checksum or trailer mismatch");
            }
            int rec = WalFormat.FRAME_HEADER_LENGTH;
            final int end = rec + bodyLength;
            for (int r = 0; r < count; r++)
            {
                final int flags = frame.get(rec + WalFormat.REC_FLAGS);
                final int length = WalFormat.recordLength(flags);
                if (rec + length > end)
                {
                    throw new WalCorruptionException(segment, position, "record " + r + " overruns its frame");
                }
                final long txId = first + r;
                if (txId > committedThrough)
                {
                    return handed; // a bound inside the frame (catching up to a given id): resume here next time
                }
                if (txId >= nextTxId)
                {
                    view.decode(frame, rec, txId, flags);
                    handler.onRecord(view, segment, position);
                    nextTxId = txId + 1;
                    handed++;
                }
                rec += length;
            }
            position += WalFormat.frameLength(bodyLength);
            frameFirst = first + count;
        }
        return handed;
    }

    private void open() throws IOException
    {
        final List<Path> segments = WalReader.listSegments(walDir);
        Path found = null;
        for (final Path candidate : segments)
        {
            if (WalReader.firstTxIdOf(candidate) <= nextTxId)
            {
                found = candidate;
            }
        }
        if (found == null)
        {
            throw new NoSuchFileException(walDir.toString(), null, "no WAL segment holds transaction " + nextTxId
                + (segments.isEmpty() ? "" : " (the oldest starts at " + WalReader.firstTxIdOf(segments.get(0)) + ")"));
        }
        switchTo(found, WalReader.firstTxIdOf(found));
    }

    private void switchTo(final Path next, final long first) throws IOException
    {
        final FileChannel opened = FileChannel.open(next, StandardOpenOption.READ);
        try
        {
            final ByteBuffer header = ByteBuffer.allocate(WalFormat.SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(opened, next, header, 0);
            if (header.getLong(0) != WalFormat.SEGMENT_MAGIC || header.getLong(16) != first
                || header.getInt(12) != WalFormat.segmentHeaderCrc(header))
            {
                throw new WalCorruptionException(next, 0, "bad segment header for a segment holding committed "
                    + "transactions from " + first);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            opened.close();
            throw e;
        }
        close();
        channel = opened;
        segment = next;
        position = WalFormat.SEGMENT_HEADER_LENGTH;
        frameFirst = first;
    }

    private ByteBuffer read(final long at, final int length) throws IOException
    {
        if (buffer.capacity() < length)
        {
            buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(length) << 1).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear().limit(length);
        readFully(channel, segment, buffer, at);
        buffer.clear();
        return buffer;
    }

    private static void readFully(final FileChannel channel, final Path file, final ByteBuffer into, final long at)
        throws IOException
    {
        long offset = at;
        while (into.hasRemaining())
        {
            if (channel.read(into, offset) < 0)
            {
                throw new EOFException(file + " ends at offset " + offset + " inside committed data");
            }
            offset = at + into.position();
        }
    }

    @Override
    public void close() throws IOException
    {
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
    }
}
