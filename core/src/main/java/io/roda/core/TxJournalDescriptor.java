package io.roda.core;

/**
 * Layout of one record of the transaction journal: the Roda {@code JournalStore} (ring mode) the
 * transactor writes and the WAL storer reads. One record per transaction, 64 bytes (one cache
 * line):
 *
 * <pre>
 *   0 tx id (8)
 *   8 op type (1) | 9 result (1) | 10 flags (1: {@link #LINKED}, {@link #KEYED}) | 11 zero (1) | 12 timeout (4)
 *  16 account / from / hold id (8)
 *  24 to account (8)
 *  32 amount (8; the overdraft of an open)
 *  40 timestamp: ledger time in nanoseconds since the epoch (8)
 *  48 key high (8) | 56 key low (8): the idempotency key when KEYED, else undefined (not written)
 * </pre>
 *
 * The record is the whole operation, so the snapshotter replays it through the same rules the transactor ran.
 */
public final class TxJournalDescriptor
{
    /** Bytes per record. */
    public static final int LENGTH = 64;
    /** Offset of the transaction id. */
    public static final int TX_ID_OFFSET = 0;
    /** Offset of the op type code. */
    public static final int TYPE_OFFSET = 8;
    /** Offset of the result code. */
    public static final int RESULT_OFFSET = 9;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 10;
    /** Offset of the hold timeout in seconds. */
    public static final int TIMEOUT_OFFSET = 12;
    /** Offset of the first account. */
    public static final int ACCOUNT_OFFSET = 16;
    /** Offset of the to account. */
    public static final int TO_ACCOUNT_OFFSET = 24;
    /** Offset of the amount. */
    public static final int AMOUNT_OFFSET = 32;
    /** Offset of the timestamp. */
    public static final int TIMESTAMP_OFFSET = 40;
    /** Offset of the key's high half. */
    public static final int KEY_HI_OFFSET = 48;
    /** Offset of the key's low half. */
    public static final int KEY_LO_OFFSET = 56;

    /** Flag: the operation is linked to the next one (a chain member other than the last). */
    public static final int LINKED = 1;
    /** Flag: the operation carries an idempotency key. */
    public static final int KEYED = 2;

    private TxJournalDescriptor()
    {
    }
}
