package io.roda.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import io.roda.ledger.DirectoryInUseException;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ledger recover --data DIR}: replays snapshot + WAL, verifies, prints one JSON object. Read-only:
 * a torn tail is reported (truncated_bytes) and cut by the next open of the ledger.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
    description = {"Replay the newest valid snapshot and the WAL after it, verify, and print one JSON object:",
        "last_tx_id, snapshot_tx_id, accounts, zero_sum, truncated_bytes, ... Exit 0 when the data verifies.",
        "On failure too: {\"ok\":false,\"error\":...} (exit 1 when the data does not verify, 2 for a bad option,",
        "4 when a running ledger has DIR open)."})
final class RecoverCommand implements Callable<Integer>
{
    @ParentCommand
    LedgerCli cli;

    @Mixin
    DataDirectory data;

    @Override
    public Integer call()
    {
        final PrintStream out = cli.env().stdout();
        final String problem = data.problem();
        if (problem != null)
        {
            cli.env().stderr().println(problem);
            out.println(new Json().put("ok", false).put("error", problem));
            return LedgerCli.USAGE;
        }
        final RecoveryReport r;
        try
        {
            r = Recovery.recover(data.path, data.maxAccounts(), null).report();
        }
        catch (final DirectoryInUseException e)
        {
            cli.env().stderr().println("directory in use: " + e.getMessage());
            out.println(new Json().put("ok", false).put("in_use", true).put("error", e.getMessage()));
            return DataDirectory.EXIT_IN_USE;
        }
        catch (final RuntimeException e) // RecoveryException, or anything a stray file provokes: still one JSON object
        {
            final String error = LedgerCli.describe(e);
            cli.env().stderr().println("recovery failed: " + error);
            out.println(new Json().put("ok", false).put("error", error));
            return LedgerCli.DATA_INVALID;
        }
        final double seconds = r.nanos() / 1e9;
        out.println(new Json()
            .put("ok", true)
            .put("last_tx_id", r.lastTxId())
            .put("commit_watermark", r.commitWatermark())
            .put("max_accounts", r.maxAccounts())
            .put("max_holds", r.maxHolds())
            .put("idempotency_window", r.idempotencyWindow())
            .put("holds", r.holds())
            .put("keys", r.keys())
            .put("ledger_time_ns", r.ledgerTime())
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
            .put("replay_tps", seconds > 0 ? (long)(r.replayed() / seconds) : null));
        return LedgerCli.OK;
    }
}
