package io.roda.ledger;

/**
 * An account's balance as read from the ledger's store.
 *
 * @param account  the account id (0 is the system account).
 * @param balance  the balance in minor units.
 * @param lastTxId the id of the last transaction that changed it: the balance is exactly the state
 *                 after that transaction (0 for a system account never touched).
 */
public record AccountBalance(long account, long balance, long lastTxId)
{
}
