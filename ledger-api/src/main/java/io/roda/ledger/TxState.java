package io.roda.ledger;

/** How far a transaction has gone through the pipeline. */
public enum TxState
{
    /** Submitted, not yet applied. */
    PENDING,
    /** Applied by the transactor. */
    COMPUTED,
    /** Forced to disk. */
    COMMITTED,
    /** Contained in a durable snapshot. */
    SNAPSHOTTED
}
