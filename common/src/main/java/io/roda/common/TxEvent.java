package io.roda.common;

/**
 * The pre-allocated, mutable entry of the sequencer-to-transactor ring. Written only by the sequencer
 * and read only by the transactor after the ring's publication; never escapes the pipeline.
 */
public final class TxEvent
{
    /** Transaction id. */
    public long txId;
    /** {@link OpType} code. */
    public int type;
    /** Account, or the from account of a transfer. */
    public long account;
    /** To account of a transfer, else 0. */
    public long toAccount;
    /** Amount in minor units (0 for open). */
    public long amount;
}
