package io.roda.core;

/**
 * Layout of one record of the transaction journal: the Roda {@code JournalStore} (ring mode) the
 * transactor writes and the WAL storer and snapshotter read. One record per transaction, 64 bytes:
 *
 * <pre>
 *   0 tx id (8)
 *   8 op type (1) | result (1) | unused (6)
 *  16 account / from (8)
 *  24 to account (8; 0 unless a transfer)
 *  32 amount (8)
 *  40 balance of the first account after the transaction (8)
 *  48 balance of the to account after the transaction (8)
 *  56 balance of the system account after the transaction (8)
 * </pre>
 *
 * The post-transaction balances let the snapshotter keep its own copy of the state without ever
 * touching the transactor's.
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
    /** Offset of the first account. */
    public static final int ACCOUNT_OFFSET = 16;
    /** Offset of the to account. */
    public static final int TO_ACCOUNT_OFFSET = 24;
    /** Offset of the amount. */
    public static final int AMOUNT_OFFSET = 32;
    /** Offset of the first account's balance after the transaction. */
    public static final int BALANCE_OFFSET = 40;
    /** Offset of the to account's balance after the transaction. */
    public static final int TO_BALANCE_OFFSET = 48;
    /** Offset of the system account's balance after the transaction. */
    public static final int SYSTEM_BALANCE_OFFSET = 56;

    private TxJournalDescriptor()
    {
    }
}
