package io.roda.ledger;

import java.util.List;

/**
 * What recovery found and did.
 *
 * @param lastTxId          the last committed transaction recovered.
 * @param snapshotTxId      the transaction of the snapshot recovery started from (0 when none).
 * @param snapshotFile      that snapshot's file name, or null.
 * @param damagedSnapshots  newer snapshots that failed verification and were skipped, each "path at offset: reason".
 * @param replayed          WAL transactions replayed after the snapshot.
 * @param accounts          accounts open after recovery (system account excluded).
 * @param zeroSum           whether all balances, the system account's included, sum to zero.
 * @param truncatedBytes    bytes of torn WAL tail cut off.
 * @param truncation        a description of the cut, or null.
 * @param walSegments       WAL segment files present.
 * @param stateHash         an order-independent hash of every balance.
 * @param nanos             how long recovery took.
 * @param commitWatermark   the LEDGER file's commit watermark: recovery never ends below it.
 * @param maxAccounts       the capacity the state was built with (the stored one, when adopted).
 * @param maxHolds          the holds the state remembers (the stored value, when adopted).
 * @param idempotencyWindow the keys the state remembers (the stored value, when adopted).
 * @param holds             holds remembered after recovery (active and finished).
 * @param keys              idempotency keys remembered after recovery.
 * @param ledgerTime        the timestamp of the last transaction recovered (0 for an empty ledger).
 */
public record RecoveryReport(long lastTxId, long snapshotTxId, String snapshotFile, List<String> damagedSnapshots,
    long replayed, long accounts, boolean zeroSum, long truncatedBytes, String truncation, int walSegments,
    long stateHash, long nanos, long commitWatermark, long maxAccounts, long maxHolds, long idempotencyWindow,
    long holds, long keys, long ledgerTime)
{
}
