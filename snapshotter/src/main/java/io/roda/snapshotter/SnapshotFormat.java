package io.roda.snapshotter;

/**
 * Byte layout of a snapshot file (little-endian); docs/FORMATS.md is the prose twin.
 *
 * <pre>
 * DIR/snapshots/{tx id, 20 digits}.snap, written as .tmp, forced, renamed, directory forced.
 *   0 magic "RODASNAP" (8) | 8 version (4) | 12 entry length = 24 (4)
 *  16 tx id: the state after this transaction (8)
 *  24 account count n, system account excluded (8)
 *  32 system account balance (8) | 40 system account last tx id (8)
 *  48 zero (8) | 56 CRC32C of bytes 0..56 (4) | 60 zero (4)
 *  64 n entries: account (8) | balance (8) | last tx id (8)
 *  64 + 24 n: CRC32C of every byte before it (4) | zero (4) | end magic "SNAPEND!" (8)
 * </pre>
 */
public final class SnapshotFormat
{
    /** "RODASNAP". */
    public static final long MAGIC = 0x50414E5341444F52L;
    /** "SNAPEND!". */
    public static final long END_MAGIC = 0x21444E4550414E53L;
    /** Format version. */
    public static final int VERSION = 1;
    /** Header bytes. */
    public static final int HEADER_LENGTH = 64;
    /** Bytes per entry. */
    public static final int ENTRY_LENGTH = 24;
    /** Trailer bytes. */
    public static final int TRAILER_LENGTH = 16;
    /** File suffix. */
    public static final String SUFFIX = ".snap";

    private SnapshotFormat()
    {
    }

    /** @return the file name of the snapshot of the state after {@code txId}. */
    public static String fileName(final long txId)
    {
        return String.format("%020d%s", txId, SUFFIX);
    }

    /** @return the tx id in a snapshot file name, or -1 when it is not one. */
    public static long parseFileName(final String name)
    {
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX))
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
}
