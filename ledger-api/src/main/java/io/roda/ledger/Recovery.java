package io.roda.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.roda.common.Result;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.transactor.LedgerState;
import io.roda.transactor.ResultLog;
import io.roda.wal.WalCorruptionException;
import io.roda.wal.WalReader;

/**
 * Rebuilds the ledger state from disk: the newest snapshot that verifies (falling back to older ones),
 * then every WAL transaction after it, re-executed by the same deterministic rules and checked against
 * the result the WAL recorded. Read-only: the torn tail it finds is cut later by the WAL writer.
 */
public final class Recovery
{
    /** The recovered state, the report, and where the WAL writer continues. */
    public record Recovered(LedgerState state, RecoveryReport report, WalReader.ScanResult wal)
    {
    }

    private Recovery()
    {
    }

    /** @return {@code dir/wal}. */
    public static Path walDirectory(final Path dir)
    {
        return dir.resolve("wal");
    }

    /** @return {@code dir/snapshots}. */
    public static Path snapshotDirectory(final Path dir)
    {
        return dir.resolve("snapshots");
    }

    /**
     * Recovers the ledger in {@code dir}.
     *
     * @param dir         the ledger directory.
     * @param maxAccounts the capacity of the state to build.
     * @param results     receives the result of every replayed transaction; may be null.
     * @return the state, a report and the WAL's tail.
     * @throws RecoveryException naming the file and offset when the data does not verify.
     */
    public static Recovered recover(final Path dir, final long maxAccounts, final ResultLog results)
    {
        final long start = System.nanoTime();
        final Path walDir = walDirectory(dir);
        final Path snapshotDir = snapshotDirectory(dir);
        try
        {
            LedgerState state = new LedgerState(maxAccounts);
            final List<String> damaged = new ArrayList<>();
            SnapshotFiles.Info snapshot = null;
            for (final Path file : SnapshotFiles.list(snapshotDir))
            {
                final LedgerState candidate = new LedgerState(maxAccounts);
                try
                {
                    snapshot = SnapshotFiles.load(file, candidate::restore);
                    state = candidate;
                    break;
                }
                catch (final IOException | IllegalArgumentException e)
                {
                    damaged.add(e.getMessage());
                }
            }
            final long snapshotTxId = snapshot == null ? 0 : snapshot.txId();
            final LedgerState replayState = state;
            final long[] replayed = new long[1];
            final WalReader.ScanResult scan = WalReader.scan(walDir, snapshotTxId + 1,
                (txId, type, result, account, toAccount, amount, segment, frameOffset) ->
                {
                    final byte actual;
                    try
                    {
                        actual = replayState.apply(txId, type, account, toAccount, amount);
                    }
                    catch (final IllegalArgumentException e)
                    {
                        throw new WalCorruptionException(segment, frameOffset, "transaction " + txId + ": " + e.getMessage());
                    }
                    if (actual != result)
                    {
                        throw new WalCorruptionException(segment, frameOffset, "transaction " + txId + " replays as "
                            + name(actual) + " but the WAL recorded " + name(result));
                    }
                    if (results != null)
                    {
                        results.reserve(txId);
                        results.put(txId, actual);
                    }
                    replayed[0]++;
                });
            if (scan.segments().isEmpty() && snapshotTxId == 0 && !damaged.isEmpty())
            {
                throw new RecoveryException("no valid snapshot and no WAL to replay: " + damaged, null);
            }
            final long lastTxId = Math.max(snapshotTxId, scan.lastTxId());
            if (!scan.segments().isEmpty() && scan.lastTxId() < snapshotTxId)
            {
                throw new RecoveryException("WAL in " + walDir + " ends at transaction " + scan.lastTxId()
                    + " but snapshot " + snapshot.file() + " holds transaction " + snapshotTxId, null);
            }
            final boolean zeroSum = state.sumOfBalances() == 0;
            final RecoveryReport report = new RecoveryReport(lastTxId, snapshotTxId,
                snapshot == null ? null : snapshot.file().getFileName().toString(), List.copyOf(damaged),
                replayed[0], state.accountCount(), zeroSum, scan.truncatedBytes(), scan.truncation(),
                WalReader.listSegments(walDir).size(), state.stateHash(), System.nanoTime() - start);
            if (!zeroSum)
            {
                throw new RecoveryException("recovered balances of " + dir + " do not sum to zero (sum "
                    + state.sumOfBalances() + ")", null);
            }
            return new Recovered(state, report, scan);
        }
        catch (final WalCorruptionException e)
        {
            throw new RecoveryException(e.getMessage(), e);
        }
        catch (final IOException e)
        {
            throw new RecoveryException("cannot read " + dir + ": " + e, e);
        }
    }

    private static String name(final int code)
    {
        try
        {
            return Result.fromCode(code).name();
        }
        catch (final IllegalArgumentException e)
        {
            return "code " + code;
        }
    }

    /** Deletes leftover temporary snapshot files from an interrupted snapshot. */
    static void deleteTemporaryFiles(final Path snapshotDir) throws IOException
    {
        if (Files.isDirectory(snapshotDir))
        {
            try (var files = Files.newDirectoryStream(snapshotDir, "*.tmp"))
            {
                for (final Path file : files)
                {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
