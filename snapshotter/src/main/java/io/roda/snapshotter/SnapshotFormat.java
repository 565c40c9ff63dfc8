package io.roda.snapshotter;

/**
 * Byte layout of a snapshot file (little-endian); docs/FORMATS.md is the prose twin.
 *
 * <pre>
 * DIR/snapshots/{tx id, 20 digits}.snap, written as .tmp, forced, renamed, directory forced.
 *   0 magic "RODASNAP" (8) | 8 version = 2 (4) | 12 zero (4)
 *  16 tx id: the state after this transaction (8)
 *  24 account count n, the system account included (8)
 *  32 hold count h (8) | 40 key count k (8)
 *  48 ledger time: the timestamp of transaction tx id (8)
 *  56 CRC32C of bytes 0..56 (4) | 60 zero (4)
 *  64 n accounts of 48 bytes: account | balance | debits pending | credits pending | overdraft | last tx id
 *     h holds of 48 bytes: hold tx id | from | to | amount | expires at (0: never) | status (1 active,
 *       2 posted, 3 voided, 4 expired); the active ones first, then the finished ones, oldest finished first
 *     k keys of 56 bytes, oldest first: key high | key low | tx id | type << 32 | timeout | three fields
 *  end: CRC32C of every byte before it (4) | zero (4) | end magic "SNAPEND!" (8)
 * </pre>
 * Version 1 (before payment semantics) is refused with a clear message.
 */
public final class SnapshotFormat
{
    /** "RODASNAP". */
    public static final long MAGIC = 0x50414E5341444F52L;
    /** "SNAPEND!". */
    public static final long END_MAGIC = 0x21444E4550414E53L;
    /** Format version. */
    public static final int VERSION = 2;
    /** Header bytes. */
    public static final int HEADER_LENGTH = 64;
    /** Bytes per account. */
    public static final int ACCOUNT_LENGTH = 48;
    /** Bytes per hold. */
    public static final int HOLD_LENGTH = 48;
    /** Bytes per key. */
    public static final int KEY_LENGTH = 56;
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
