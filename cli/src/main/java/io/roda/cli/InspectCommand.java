package io.roda.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;

import io.roda.common.OpType;
import io.roda.common.Result;
import io.roda.ledger.Recovery;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.wal.WalCorruptionException;
import io.roda.wal.WalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

/** {@code ledger inspect --data DIR}: the segments, snapshots and records, for a person. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show the WAL segments, snapshots and the last records of a ledger directory, with a summary.")
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
        int status = 0;
        out.println("Snapshots in " + Recovery.snapshotDirectory(data) + ":");
        for (final Path file : SnapshotFiles.list(Recovery.snapshotDirectory(data)))
        {
            try
            {
                final SnapshotFiles.Info info = SnapshotFiles.load(file, (a, b, c) -> { });
                out.printf("  %s  tx %d  accounts %d  %d bytes  valid%n", file.getFileName(), info.txId(),
                    info.accounts(), Files.size(file));
            }
            catch (final IOException | RuntimeException e) // as recovery does: a damaged snapshot is reported, not fatal
            {
                out.printf("  %s  DAMAGED: %s%n", file.getFileName(), LedgerCli.describe(e));
            }
        }
        final ArrayDeque<String> last = new ArrayDeque<>();
        final long[] counts = new long[OpType.values().length + 1];
        final long[] results = new long[Result.values().length];
        out.println("WAL segments in " + Recovery.walDirectory(data) + ":");
        try
        {
            final WalReader.ScanResult scan = WalReader.scan(Recovery.walDirectory(data), 1,
                (txId, type, result, account, toAccount, amount, segment, frameOffset) ->
                {
                    counts[type]++;
                    results[result]++;
                    if (records > 0)
                    {
                        if (last.size() == records)
                        {
                            last.removeFirst();
                        }
                        last.addLast(String.format("  tx %d  %s %d%s amount %d -> %s", txId, OpType.fromCode(type),
                            account, type == OpType.TRANSFER_CODE ? " -> " + toAccount : "", amount,
                            Result.fromCode(result)));
                    }
                });
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
            out.printf("  segments %d, records %d, last tx %d%n", scan.segments().size(), total, scan.lastTxId());
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
        }
        catch (final WalCorruptionException e)
        {
            out.println("  CORRUPT: " + e.getMessage());
            status = LedgerCli.DATA_INVALID;
        }
        return status;
    }
}
