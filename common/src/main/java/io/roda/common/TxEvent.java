package io.roda.common;

/**
 * The pre-allocated, mutable entry of the sequencer-to-transactor ring. Written only by the sequencer
 * and read only by the transactor after the ring's publication; never escapes the pipeline.
 */
public final class TxEvent
{
    /** Transaction id. */
    public long txId;
    /** Operation type code. */
    public int type;
    /** Flags: linked to the next event (1), keyed (2). */
    public int flags;
    /** Hold timeout in seconds, else 0. */
    public int timeout;
    /** Account, the from account of a transfer or hold, or the hold id of a post or void. */
    public long account;
    /** To account of a transfer or hold, else 0. */
    public long toAccount;
    /** Amount in minor units (the overdraft for open). */
    public long amount;
    /** Idempotency key, high half. */
    public long keyHi;
    /** Idempotency key, low half. */
    public long keyLo;
}
