package io.roda.ledger;

/**
 * One account as read from the store.
 *
 * @param account        the account id (0: the system account).
 * @param balance        the posted balance.
 * @param lastTxId       the last transaction that changed the account.
 * @param debitsPending  the sum of its active holds as the from account.
 * @param creditsPending the sum of its active holds as the to account.
 * @param overdraft      how far below zero its balance may go.
 */
public record AccountBalance(long account, long balance, long lastTxId, long debitsPending, long creditsPending,
    long overdraft)
{
    /** @return balance - debits pending + overdraft, saturated to the long range: what a transfer may take. */
    public long available()
    {
        return java.math.BigInteger.valueOf(balance).subtract(java.math.BigInteger.valueOf(debitsPending))
            .add(java.math.BigInteger.valueOf(overdraft)).max(java.math.BigInteger.valueOf(Long.MIN_VALUE))
            .min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }
}
