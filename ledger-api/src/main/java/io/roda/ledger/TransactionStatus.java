package io.roda.ledger;

import io.roda.core.Result;

/**
 * The status of one transaction.
 *
 * @param txId   the transaction id.
 * @param state  how far it has gone.
 * @param result its result once computed; null while pending, or when the result is older than the
 *               ledger's result retention ({@link LedgerConfig.Builder#resultRetention(int)}).
 */
public record TransactionStatus(long txId, TxState state, Result result)
{
}
