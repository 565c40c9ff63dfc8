package io.roda.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;

import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.ledger.DirectoryInUseException;
import io.roda.ledger.DirectoryLock;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryReport;
import io.roda.ledger.SettingsConflictException;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.wal.WalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

/** {@code ledger inspect --data DIR}: the segments, snapshots and records, for a person. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Show the snapshots, the WAL segments recovery replays and the last records, with recovery's verdict.",
        "Exit 0 when the data verifies, 1 when it does not, 2 when DIR does not exist, 4 when a running ledger has DIR open."})
final class InspectCommand implements Callable<Integer>
{
    @ParentCommand
    LedgerCli cli;

    @Mixin
    DataDirectory directory;

    @Option(names = "--records", defaultValue = "10", description = "How many of the last WAL records to show (default ${DEFAULT-VALUE}).")
    int records;

    @Override
    public Integer call() throws IOException
    {
        if (!directory.usable(cli.env().stderr()))
        {
            return LedgerCli.USAGE;
        }
        final Path data = directory.path;
        final PrintStream out = cli.env().stdout();
        final ArrayDeque<String> last = new ArrayDeque<>();
        final long[] counts = new long[OpType.values().length + 1];
        final long[] results = new long[Result.values().length];
        final WalReader.RecordHandler observer = (record, segment, frameOffset) ->
        {
            final long txId = record.txId;
            final int type = record.type;
            final int result = record.result;
            final long account = record.account;
            final long toAccount = record.toAccount;
            final long amount = record.amount;
            counts[type]++;
            results[result]++;
            if (records > 0)
            {
                if (last.size() == records)
                {
                    last.removeFirst();
                }
                last.addLast(String.format("  tx %d  %s  %s%s%s %s %s%s%s%s -> %s",
                    txId, java.time.Instant.ofEpochSecond(0, record.timestamp), OpType.fromCode(type),
                    type == OpType.TICK_CODE ? "" : " " + account, toAccount != 0 ? " -> " + toAccount : "",
                    type == OpType.OPEN_CODE ? "overdraft" : "amount", type == OpType.TICK_CODE ? "-" : String.valueOf(amount),
                    record.timeout != 0 ? " timeout " + record.timeout + "s" : "",
                    record.keyed() ? " key " + new java.util.UUID(record.keyHi, record.keyLo) : "",
                    record.linked() ? " linked" : "", Result.fromCode(result)));
            }
        };
        // the verdict is recovery's: newest valid snapshot + the WAL from it on (older WAL may be pruned)
        try (DirectoryLock lock = DirectoryLock.shared(data))
        {
            out.println("Snapshots in " + Recovery.snapshotDirectory(data) + ":");
            for (final Path file : SnapshotFiles.list(Recovery.snapshotDirectory(data)))
            {
                try
                {
                    final SnapshotFiles.Info info = SnapshotFiles.verify(file);
                    out.printf("  %s  tx %d  accounts %d  holds %d  keys %d  ledger time %s  %d bytes  valid%n",
                        file.getFileName(), info.txId(), info.accounts(), info.holds(), info.keys(),
                        java.time.Instant.ofEpochSecond(0, info.timestamp()), Files.size(file));
                }
                catch (final IOException | RuntimeException e) // as recovery does: a damaged snapshot is reported, not fatal
                {
                    out.printf("  %s  DAMAGED: %s%n", file.getFileName(), LedgerCli.describe(e));
                }
            }
            final Recovery.Recovered recovered;
            try
            {
                recovered = Recovery.recoverHoldingLock(lock, data, directory.maxAccounts(), observer);
            }
            catch (final DirectoryInUseException e)
            {
                throw e;
            }
            catch (final SettingsConflictException e) // the data may be fine: the option disagrees with it
            {
                out.println("Summary:");
                out.println("  SETTINGS CONFLICT: " + e.getMessage());
                return LedgerCli.DATA_INVALID;
            }
            catch (final RuntimeException e) // RecoveryException, a settings conflict, or what a stray file provokes
            {
                out.println("Summary:");
                out.println("  CORRUPT: " + LedgerCli.describe(e));
                return LedgerCli.DATA_INVALID;
            }
            final RecoveryReport report = recovered.report();
            final WalReader.ScanResult scan = recovered.wal();
            out.println("WAL segments in " + Recovery.walDirectory(data) + " replayed from tx "
                + (report.snapshotTxId() + 1) + ":");
            long total = 0;
            for (final WalReader.SegmentSummary s : scan.segments())
            {
                out.printf("  %s  tx %d..%d  %d frames  %d records  data %d of %d bytes%n",
                    s.file().getFileName(), s.firstTxId(), s.lastTxId(), s.frames(), s.records(), s.validEnd(), s.fileSize());
                total += s.records();
            }
            out.println("Last " + last.size() + " records:");
            last.forEach(out::println);
            out.println("Summary:");
            out.printf("  snapshot tx %d, segments %d, records %d, last tx %d, commit watermark %d, accounts %d%n",
                report.snapshotTxId(), scan.segments().size(), total, report.lastTxId(), report.commitWatermark(),
                report.accounts());
            for (final OpType t : OpType.values())
            {
                out.printf("  %-9s %d%n", t.name().toLowerCase(), counts[t.code()]);
            }
            for (final Result r : Result.values())
            {
                if (results[r.code()] > 0)
                {
                    out.printf("  %-19s %d%n", r.name(), results[r.code()]);
                }
            }
            out.println("  torn tail: " + (scan.truncation() == null ? "none" : scan.truncation()
                + " (" + scan.truncatedBytes() + " bytes)"));
            out.println("  verdict: ok");
            return LedgerCli.OK;
        }
        catch (final DirectoryInUseException e)
        {
            cli.env().stderr().println("directory in use: " + e.getMessage());
            return DataDirectory.EXIT_IN_USE;
        }
    }
}
