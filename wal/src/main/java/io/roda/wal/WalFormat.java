package io.roda.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Byte layout of the write-ahead log (all integers little-endian); docs/FORMATS.md is the prose twin.
 *
 * <pre>
 * Segment file DIR/wal/{first tx id, 20 digits}.wal, preallocated to the segment size, zero-filled:
 *   0 magic "RODAWAL1" (8) | 8 version (4) | 12 header CRC32C of bytes 0..12 and 16..64 (4)
 *  16 first tx id (8) | 24 segment size (8) | 32..64 zero
 *  64 frame, frame, ... then zeros to the end of the file
 *
 * Frame (one group commit):
 *   0 magic "FRAM" (4) | 4 record count n (4) | 8 first tx id (8)
 *  16 CRC32C over bytes 0..16, 20..32 and the n records (4) | 20 body length (4) | 24 zero (8)
 *  32 n records, each 40 bytes, or 56 when KEYED:
 *     0 op type (1) | 1 result (1) | 2 flags (1: LINKED 1, KEYED 2) | 3 zero (1) | 4 hold timeout, seconds (4)
 *     8 account / from / hold id (8) | 16 to account (8) | 24 amount (8) | 32 timestamp, ns since the epoch (8)
 *    40 key high (8) | 48 key low (8)      (KEYED only)
 *  32 + body length: trailer "RODAEND!" (8)
 * </pre>
 * Every {@link #TORN_SECTOR}-byte sector a frame touches holds a non-zero byte of it (the magic's bytes, a
 * record's op type, the trailer's bytes are all non-zero), and the space after the data is zero (preallocated,
 * and zeroed again by recovery past a torn tail). So a frame that fails its checksum but has a sector of all
 * zeros was torn by a crash before its force; one whose every sector holds data was damaged after it was
 * written, and may have been committed: recovery refuses it instead of cutting it (docs/STORAGE.md).
 * Transaction ids inside a frame are consecutive from its first tx id; frames follow each other without
 * gaps in ids. A frame never ends inside a linked chain (its last record is never LINKED), so a torn tail
 * never cuts a chain. A frame whose magic is 0 marks the end of the segment's data. Version 1 (before payment
 * semantics: 32-byte records without flags, timeout, timestamp or key) is refused with a clear message.
 */
public final class WalFormat
{
    /** Segment header magic, "RODAWAL1". */
    public static final long SEGMENT_MAGIC = 0x314C415741444F52L;
    /** Format version. */
    public static final int VERSION = 3;
    /** Bytes of the segment header. */
    public static final int SEGMENT_HEADER_LENGTH = 64;
    /** Frame magic, "FRAM". */
    public static final int FRAME_MAGIC = 0x4D415246;
    /** Bytes of a frame header. */
    public static final int FRAME_HEADER_LENGTH = 32;
    /** Frame trailer, "RODAEND!": every byte non-zero, so the last sector a frame touches is never all zero. */
    public static final long FRAME_TRAILER = 0x21444E4541444F52L;
    /** Bytes of a frame trailer. */
    public static final int FRAME_TRAILER_LENGTH = 8;
    /** The smallest sector a disk writes atomically: the granularity at which a crash can tear a write. */
    public static final int TORN_SECTOR = 512;
    /** Bytes of one record without a key. */
    public static final int RECORD_LENGTH = 40;
    /** Bytes of one record with a key. */
    public static final int KEYED_RECORD_LENGTH = 56;
    /** File name suffix of segments. */
    public static final String SEGMENT_SUFFIX = ".wal";

    static final int FRAME_COUNT_OFFSET = 4;
    static final int FRAME_FIRST_TX_OFFSET = 8;
    static final int FRAME_CRC_OFFSET = 16;
    static final int FRAME_LENGTH_OFFSET = 20;

    /** Record field offsets. */
    public static final int REC_TYPE = 0;
    /** Offset of the result code. */
    public static final int REC_RESULT = 1;
    /** Offset of the flags. */
    public static final int REC_FLAGS = 2;
    /** Offset of the timeout. */
    public static final int REC_TIMEOUT = 4;
    /** Offset of the account. */
    public static final int REC_ACCOUNT = 8;
    /** Offset of the to account. */
    public static final int REC_TO_ACCOUNT = 16;
    /** Offset of the amount. */
    public static final int REC_AMOUNT = 24;
    /** Offset of the timestamp. */
    public static final int REC_TIMESTAMP = 32;
    /** Offset of the key's high half (KEYED records). */
    public static final int REC_KEY_HI = 40;
    /** Offset of the key's low half (KEYED records). */
    public static final int REC_KEY_LO = 48;
    /** Flag: linked to the next record. */
    public static final int FLAG_LINKED = 1;
    /** Flag: carries a key. */
    public static final int FLAG_KEYED = 2;

    /** @return the bytes of a frame whose body is {@code bodyLength} bytes: header, body and trailer. */
    public static int frameLength(final int bodyLength)
    {
        return FRAME_HEADER_LENGTH + bodyLength + FRAME_TRAILER_LENGTH;
    }

    /** @return the length of a record with these flags. */
    public static int recordLength(final int flags)
    {
        return (flags & FLAG_KEYED) != 0 ? KEYED_RECORD_LENGTH : RECORD_LENGTH;
    }

    private WalFormat()
    {
    }

    /**
     * @return whether a frame header's magic, record count and body length can describe a frame: the magic, at
     *     least one record, and a body between count plain and count keyed records long.
     */
    static boolean plausibleFrame(final int magic, final int count, final int bodyLength)
    {
        return magic == FRAME_MAGIC && count > 0 && (long)count * RECORD_LENGTH <= bodyLength
            && (long)count * KEYED_RECORD_LENGTH >= bodyLength;
    }

    /** @return the segment file name for a segment whose first transaction is {@code firstTxId}. */
    public static String segmentName(final long firstTxId)
    {
        return String.format("%020d%s", firstTxId, SEGMENT_SUFFIX);
    }

    /** @return the first tx id encoded in a segment file name, or -1 when it is not a segment name. */
    public static long parseSegmentName(final String name)
    {
        if (name.length() != 20 + SEGMENT_SUFFIX.length() || !name.endsWith(SEGMENT_SUFFIX))
        {
            return -1;
        }
        for (int i = 0; i < 20; i++)
        {
            if (!Character.isDigit(name.charAt(i)))
            {
                return -1;
            }
        }
        return Long.parseLong(name.substring(0, 20));
    }

    static void writeSegmentHeader(final ByteBuffer header, final long firstTxId, final long segmentSize)
    {
        header.clear();
        for (int i = 0; i < SEGMENT_HEADER_LENGTH; i += 8)
        {
            header.putLong(i, 0);
        }
        header.putLong(0, SEGMENT_MAGIC);
        header.putInt(8, VERSION);
        header.putLong(16, firstTxId);
        header.putLong(24, segmentSize);
        header.putInt(12, segmentHeaderCrc(header));
    }

    static int segmentHeaderCrc(final ByteBuffer header)
    {
        final CRC32C crc = new CRC32C();
        crc.update(header.duplicate().position(0).limit(12));
        crc.update(header.duplicate().position(16).limit(SEGMENT_HEADER_LENGTH));
        return (int)crc.getValue();
    }

    /** CRC32C of a frame at {@code offset} of {@code frame}, whose body is {@code bodyLength} bytes. */
    static int frameCrc(final CRC32C crc, final ByteBuffer frame, final int offset, final int bodyLength)
    {
        crc.reset();
        crc.update(frame.duplicate().limit(offset + FRAME_CRC_OFFSET).position(offset));
        crc.update(frame.duplicate().limit(offset + FRAME_HEADER_LENGTH + bodyLength).position(offset + FRAME_LENGTH_OFFSET));
        return (int)crc.getValue();
    }
}
