package io.roda.wal;

/** One WAL record as {@link WalReader} hands it over: a reused, mutable view (see {@link WalFormat}). */
public final class WalRecord
{
    /** Transaction id. */
    public long txId;
    /** Operation type code. */
    public int type;
    /** Result code. */
    public int result;
    /** Flags: {@link WalFormat#FLAG_LINKED}, {@link WalFormat#FLAG_KEYED}. */
    public int flags;
    /** Hold timeout in seconds. */
    public int timeout;
    /** Account, from account, or hold id. */
    public long account;
    /** To account. */
    public long toAccount;
    /** Amount (the overdraft of an open). */
    public long amount;
    /** Ledger time, ns since the epoch. */
    public long timestamp;
    /** Key, high half (0 unless keyed). */
    public long keyHi;
    /** Key, low half (0 unless keyed). */
    public long keyLo;

    /** @return whether the record carries a key. */
    public boolean keyed()
    {
        return (flags & WalFormat.FLAG_KEYED) != 0;
    }

    /** @return whether the record is linked to the next one. */
    public boolean linked()
    {
        return (flags & WalFormat.FLAG_LINKED) != 0;
    }

    /** Fills this view from the record of transaction {@code txId} at index {@code rec} of {@code buffer}. */
    void decode(final java.nio.ByteBuffer buffer, final int rec, final long txId, final int flags)
    {
        this.txId = txId;
        type = buffer.get(rec + WalFormat.REC_TYPE);
        result = buffer.get(rec + WalFormat.REC_RESULT);
        this.flags = flags;
        timeout = buffer.getInt(rec + WalFormat.REC_TIMEOUT);
        account = buffer.getLong(rec + WalFormat.REC_ACCOUNT);
        toAccount = buffer.getLong(rec + WalFormat.REC_TO_ACCOUNT);
        amount = buffer.getLong(rec + WalFormat.REC_AMOUNT);
        timestamp = buffer.getLong(rec + WalFormat.REC_TIMESTAMP);
        final boolean keyed = (flags & WalFormat.FLAG_KEYED) != 0;
        keyHi = keyed ? buffer.getLong(rec + WalFormat.REC_KEY_HI) : 0;
        keyLo = keyed ? buffer.getLong(rec + WalFormat.REC_KEY_LO) : 0;
    }
}
