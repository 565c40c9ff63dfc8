package io.roda.ledger;

import io.roda.core.Result;

/**
 * The status of one transaction.
 *
 * @param txId        the transaction id.
 * @param state       how far it has gone.
 * @param result      its result once computed; null while pending, or when the result is older than the
 *                    ledger's result retention ({@link LedgerConfig.Builder#resultRetention(int)}).
 * @param timestamp   its ledger time (nanoseconds since the epoch) when the result is known, else 0.
 * @param duplicateOf for DUPLICATE and KEY_REUSED, the transaction that consumed the key; else 0.
 */
public record TransactionStatus(long txId, TxState state, Result result, long timestamp, long duplicateOf)
{
    /** A status without timestamp. */
    public TransactionStatus(final long txId, final TxState state, final Result result)
    {
        this(txId, state, result, 0, 0);
    }
}
