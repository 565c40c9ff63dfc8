package io.roda.cli;

import java.util.concurrent.Callable;

import io.roda.ledger.DirectoryInUseException;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ledger recover --data DIR}: replays snapshot + WAL, verifies, prints one JSON object. Read-only:
 * a torn tail is reported (truncated_bytes) and cut by the next open of the ledger.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
    description = {"Replay the newest valid snapshot and the WAL after it, verify, and print one JSON object:",
        "last_tx_id, snapshot_tx_id, accounts, zero_sum, truncated_bytes, ... Exit 0 when the data verifies,",
        "1 when it does not, 2 when DIR does not exist, 4 when a running ledger has DIR open."})
final class RecoverCommand implements Callable<Integer>
{
    @Mixin
    DataDirectory data;

    @Override
    public Integer call()
    {
        if (!data.exists())
        {
            System.out.println(new Json().put("ok", false).put("error", "directory " + data.path + " does not exist"));
            return 2;
        }
        try
        {
            final RecoveryReport r = Recovery.recover(data.path, data.maxAccounts(), null).report();
            final double seconds = r.nanos() / 1e9;
            System.out.println(new Json()
                .put("ok", true)
                .put("last_tx_id", r.lastTxId())
                .put("commit_watermark", r.commitWatermark())
                .put("max_accounts", r.maxAccounts())
                .put("snapshot_tx_id", r.snapshotTxId())
                .put("accounts", r.accounts())
                .put("zero_sum", r.zeroSum())
                .put("truncated_bytes", r.truncatedBytes())
                .put("truncation", r.truncation())
                .put("snapshot_file", r.snapshotFile())
                .put("damaged_snapshots", r.damagedSnapshots())
                .put("replayed", r.replayed())
                .put("wal_segments", r.walSegments())
                .put("state_hash", Long.toHexString(r.stateHash()))
                .put("seconds", seconds)
                .put("replay_tps", seconds > 0 ? (long)(r.replayed() / seconds) : 0));
            return 0;
        }
        catch (final DirectoryInUseException e)
        {
            System.err.println("directory in use: " + e.getMessage());
            System.out.println(new Json().put("ok", false).put("in_use", true).put("error", e.getMessage()));
            return DataDirectory.EXIT_IN_USE;
        }
        catch (final LedgerException e)
        {
            System.err.println("recovery failed: " + e.getMessage());
            System.out.println(new Json().put("ok", false).put("error", e.getMessage()));
            return 1;
        }
    }
}
