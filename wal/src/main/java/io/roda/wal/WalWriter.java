package io.roda.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import io.roda.storage.Storage;

/**
 * Appends frames to WAL segments and forces them. One thread only (the WAL storer). A new segment is
 * preallocated, its header forced, and the directory forced, before any frame goes into it.
 *
 * <p>Usage per group commit: {@link #beginFrame(long)}, {@link #addRecord} for each transaction,
 * {@link #commitFrame()} (writes and forces). A failed write or force throws and leaves the writer
 * unusable: the caller must stop the ledger, never retry. The failed frame is erased from the segment (best
 * effort; the error says how far that went), so that it cannot be recovered later as if it were committed.
 */
public final class WalWriter implements AutoCloseable
{
    private final Path directory;
    private final long segmentSize;
    private final ByteBuffer frame;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(WalFormat.SEGMENT_HEADER_LENGTH);
    private final CRC32C crc = new CRC32C();
    private final int maxRecords;
    private int frameBytes;
    private final Storage storage;
    private final CommitWatermark watermark;
    private FileChannel channel;
    private long segmentFirstTxId;
    private long currentSegmentSize;
    private long position;
    private int frameRecords;
    private long frameFirstTxId;
    private long lastCommittedTxId;
    private boolean failed;

    /**
     * @param directory   the wal directory (must exist).
     * @param segmentSize bytes per segment file.
     * @param maxRecords  most records per frame.
     * @param storage     opens segment files and forces the directory (the simulator's disk, or failing channels in tests).
     */
    public WalWriter(final Path directory, final long segmentSize, final int maxRecords, final Storage storage)
    {
        this(directory, segmentSize, maxRecords, storage, CommitWatermark.NONE);
    }

    /**
     * @param directory   the wal directory (must exist).
     * @param segmentSize bytes per segment file.
     * @param maxRecords  most records per frame.
     * @param storage     opens segment files and forces the directory (the simulator's disk, or failing channels in tests).
     * @param watermark   raised after each segment roll and at close.
     */
    public WalWriter(final Path directory, final long segmentSize, final int maxRecords, final Storage storage,
        final CommitWatermark watermark)
    {
        final long minSize = WalFormat.SEGMENT_HEADER_LENGTH + WalFormat.FRAME_HEADER_LENGTH
            + (long)maxRecords * WalFormat.KEYED_RECORD_LENGTH + WalFormat.FRAME_TRAILER_LENGTH;
        if (segmentSize < minSize)
        {
            throw new IllegalArgumentException("segment size " + segmentSize + " cannot hold one frame of "
                + maxRecords + " records (" + minSize + " bytes)");
        }
        this.directory = directory;
        this.segmentSize = segmentSize;
        this.maxRecords = maxRecords;
        this.storage = storage;
        this.watermark = watermark;
        this.frame = ByteBuffer.allocateDirect(WalFormat.frameLength(maxRecords * WalFormat.KEYED_RECORD_LENGTH))
            .order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Continues an existing segment after recovery.
     *
     * @param segment   the segment file to append to.
     * @param firstTxId its first tx id.
     * @param end       the offset after its last valid frame; bytes beyond it up to {@code dirtyEnd} are zeroed.
     * @param dirtyEnd  the end of any torn data recovery cut off.
     * @throws IOException when the segment cannot be opened, cleaned or forced: its frames cannot be trusted
     *                     to be durable, so the ledger must not open.
     */
    public void resume(final Path segment, final long firstTxId, final long end, final long dirtyEnd) throws IOException
    {
        final FileChannel opened = storage.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE);
        final long declaredSize;
        try
        {
            lockExclusively(opened, segment);
            // the segment keeps the size its header declares, even if the configured size has changed since
            final ByteBuffer declared = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (declared.hasRemaining() && opened.read(declared, 24 + declared.position()) > 0)
            {
                // read the 8 bytes at offset 24
            }
            declaredSize = declared.getLong(0);
            if (dirtyEnd > end)
            {
                final ByteBuffer zero = ByteBuffer.allocate((int)Math.min(dirtyEnd - end, 1 << 20));
                long at = end;
                while (at < dirtyEnd)
                {
                    zero.clear().limit((int)Math.min(zero.capacity(), dirtyEnd - at));
                    at += opened.write(zero, at);
                }
            }
            // frames recovered from the page cache may never have been forced (a failed force, or a process
            // killed between write and force): they are reported committed from now on, so force them first
            opened.force(false);
        }
        catch (final IOException | RuntimeException e)
        {
            try
            {
                opened.close(); // releases the segment's lock: a failed open must not keep the directory busy
            }
            catch (final IOException suppressed)
            {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        channel = opened;
        segmentFirstTxId = firstTxId;
        position = end;
        currentSegmentSize = declaredSize;
        lastCommittedTxId = -1; // unknown until the first commit: close() then records nothing new
    }

    /**
     * Locks the segment this writer appends to, for as long as its channel is open. The directory's LOCK file
     * keeps a second ledger out, but only while that file exists: if it is deleted behind a running ledger,
     * a second one would create a new LOCK, lock it, and write the same WAL. This lock, on the data itself,
     * refuses it (and {@link #refuseIfWritten} refuses readers). The process never opens a second channel on
     * a segment it writes: closing any channel on a file drops the process's locks on it.
     */
    private static void lockExclusively(final FileChannel channel, final Path segment) throws IOException
    {
        final FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException e)
        {
            throw new WalSegmentLockedException(segment);
        }
        if (lock == null)
        {
            throw new WalSegmentLockedException(segment);
        }
    }

    /**
     * Refuses to go on when a ledger in another process is writing {@code segment} (it holds the segment's
     * lock). For recovery and the read-only tools, before they read a WAL: the last two segments are checked,
     * which covers a writer between creating its next segment and releasing the previous one.
     *
     * <p>Must not be called by a process that has a ledger open on the directory: closing the probe's channel
     * would drop that ledger's lock (the callers hold the directory's LOCK, which rules that out).
     *
     * @throws WalSegmentLockedException when the segment is locked by another process.
     */
    public static void refuseIfWritten(final Storage storage, final Path segment) throws IOException
    {
        try (FileChannel probe = storage.open(segment, StandardOpenOption.READ))
        {
            final FileLock lock;
            try
            {
                lock = probe.tryLock(0, Long.MAX_VALUE, true);
            }
            catch (final OverlappingFileLockException e)
            {
                throw new WalSegmentLockedException(segment);
            }
            if (lock == null)
            {
                throw new WalSegmentLockedException(segment);
            }
            lock.release();
        }
        catch (final java.nio.file.NoSuchFileException e)
        {
            // gone since it was listed: recovery will find that out and say so
        }
    }

    /** @return most records per frame (a linked chain is never split, so callers stop short of it). */
    public int maxRecords()
    {
        return maxRecords;
    }

    /** Starts a frame whose first transaction is {@code firstTxId}. */
    public void beginFrame(final long firstTxId)
    {
        frameFirstTxId = firstTxId;
        frameRecords = 0;
        frameBytes = 0;
    }

    /**
     * Adds the next transaction's record to the open frame.
     *
     * @throws IllegalStateException when the frame already holds {@link #maxRecords()} records.
     */
    public void addRecord(final int type, final int result, final int flags, final int timeout, final long account,
        final long toAccount, final long amount, final long timestamp, final long keyHi, final long keyLo)
    {
        if (frameRecords == maxRecords)
        {
            throw new IllegalStateException("frame full: " + maxRecords + " records");
        }
        final int at = WalFormat.FRAME_HEADER_LENGTH + frameBytes;
        frame.put(at + WalFormat.REC_TYPE, (byte)type);
        frame.put(at + WalFormat.REC_RESULT, (byte)result);
        frame.put(at + WalFormat.REC_FLAGS, (byte)flags);
        frame.put(at + 3, (byte)0);
        frame.putInt(at + WalFormat.REC_TIMEOUT, timeout);
        frame.putLong(at + WalFormat.REC_ACCOUNT, account);
        frame.putLong(at + WalFormat.REC_TO_ACCOUNT, toAccount);
        frame.putLong(at + WalFormat.REC_AMOUNT, amount);
        frame.putLong(at + WalFormat.REC_TIMESTAMP, timestamp);
        if ((flags & WalFormat.FLAG_KEYED) != 0)
        {
            frame.putLong(at + WalFormat.REC_KEY_HI, keyHi);
            frame.putLong(at + WalFormat.REC_KEY_LO, keyLo);
        }
        frameBytes += WalFormat.recordLength(flags);
        frameRecords++;
    }

    /** @return records in the open frame. */
    public int frameRecords()
    {
        return frameRecords;
    }

    /**
     * Writes the open frame and forces it to disk; when this returns, every record in it is durable.
     *
     * @throws IOException when a write or force fails; the writer is then unusable.
     */
    public void commitFrame() throws IOException
    {
        if (failed)
        {
            throw new IOException("WAL writer stopped after an earlier failure");
        }
        if (frameRecords == 0)
        {
            return;
        }
        final int bodyLength = frameBytes;
        frame.putInt(0, WalFormat.FRAME_MAGIC);
        frame.putInt(WalFormat.FRAME_COUNT_OFFSET, frameRecords);
        frame.putLong(WalFormat.FRAME_FIRST_TX_OFFSET, frameFirstTxId);
        frame.putInt(WalFormat.FRAME_LENGTH_OFFSET, bodyLength);
        frame.putLong(24, 0);
        frame.putInt(WalFormat.FRAME_CRC_OFFSET, WalFormat.frameCrc(crc, frame, 0, bodyLength));
        frame.putLong(WalFormat.FRAME_HEADER_LENGTH + bodyLength, WalFormat.FRAME_TRAILER);
        final int length = WalFormat.frameLength(bodyLength);
        long frameStart = -1;
        try
        {
            if (channel == null || position + length > currentSegmentSize)
            {
                roll(frameFirstTxId);
            }
            frameStart = position;
            frame.clear().limit(length);
            while (frame.hasRemaining())
            {
                position += channel.write(frame, position);
            }
            channel.force(false);
        }
        catch (final IOException | RuntimeException e)
        {
            failed = true;
            if (frameStart < 0)
            {
                throw e; // nothing of the frame was written
            }
            throw new IOException(e.getMessage() + "; " + erase(frameStart, (int)(position - frameStart)), e);
        }
        lastCommittedTxId = frameFirstTxId + frameRecords - 1;
        frame.clear();
        frameRecords = 0;
    }

    /**
     * A frame whose write or force failed is not committed, and the ledger says so. It must not come back
     * from the page cache at the next open as if it were: its bytes are overwritten with zeros (recovery
     * then sees the end of the log there) and forced. Best effort: the disk is failing.
     *
     * @param length bytes of the frame that were written.
     * @return what became of the frame, for the error message.
     */
    private String erase(final long frameStart, final int length)
    {
        final String frameName = "transactions " + frameFirstTxId + ".." + (frameFirstTxId + frameRecords - 1);
        if (length == 0)
        {
            return frameName + " were not written: they are not committed";
        }
        try
        {
            final ByteBuffer zero = ByteBuffer.allocate(length);
            long at = frameStart;
            while (zero.hasRemaining())
            {
                at += channel.write(zero, at);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            return frameName + " were not forced and could not be erased (" + e.getMessage() + "): reopening may "
                + "recover them; check their status after reopening before submitting them again";
        }
        position = frameStart;
        try
        {
            channel.force(false);
        }
        catch (final IOException | RuntimeException e)
        {
            return frameName + " were not forced and were erased, but the erasure was not forced either ("
                + e.getMessage() + "): a power cut before the next open may leave them; check their status after "
                + "reopening before submitting them again";
        }
        return frameName + " were not forced and were erased: they are not committed";
    }

    private void roll(final long firstTxId) throws IOException
    {
        final Path segment = directory.resolve(WalFormat.segmentName(firstTxId));
        final FileChannel next = storage.open(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        lockExclusively(next, segment);
        if (channel != null)
        {
            channel.close(); // only now: some segment of ours is locked at every moment
        }
        channel = next;
        next.truncate(0);
        zeros.clear();
        next.write(zeros, segmentSize - zeros.capacity()); // preallocate: the file has its full length
        final ByteBuffer header = ByteBuffer.allocate(WalFormat.SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        WalFormat.writeSegmentHeader(header, firstTxId, segmentSize);
        header.clear();
        next.write(header, 0);
        next.force(true);
        storage.forceDirectory(directory);
        // everything before this segment is forced, and the segment's header is durable: record both
        // before any frame goes into it
        watermark.raise(firstTxId - 1, firstTxId);
        segmentFirstTxId = firstTxId;
        currentSegmentSize = segmentSize;
        position = WalFormat.SEGMENT_HEADER_LENGTH;
    }

    /** @return the first tx id of the segment being written, or 0 before the first. */
    public long segmentFirstTxId()
    {
        return segmentFirstTxId;
    }

    /**
     * Closes the segment and raises the watermark to the last transaction this writer forced (also after a
     * failure: what was forced before it stays committed).
     */
    @Override
    public void close() throws IOException
    {
        if (channel != null)
        {
            channel.close();
            channel = null;
            if (lastCommittedTxId > 0)
            {
                watermark.raise(lastCommittedTxId, segmentFirstTxId);
            }
        }
    }
}
