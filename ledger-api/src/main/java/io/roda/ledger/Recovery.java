package io.roda.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.roda.core.LedgerState;
import io.roda.core.Replayer;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.storage.Storage;
import io.roda.transactor.ResultLog;
import io.roda.wal.WalCorruptionException;
import io.roda.wal.WalFormat;
import io.roda.wal.WalReader;
import io.roda.wal.WalSegmentLockedException;
import io.roda.wal.WalWriter;

/**
 * Rebuilds the ledger state from disk: the newest snapshot that verifies (falling back to older ones),
 * then every WAL transaction after it, re-executed by the same deterministic rules and checked against
 * the result the WAL recorded. Read-only: the torn tail it finds is cut later by the WAL writer. It never ends
 * below the commit watermark of {@code DIR/LEDGER} and builds the state with the settings stored there; public
 * entry points hold {@code DIR/LOCK} shared meanwhile. docs/FORMATS.md states every rule.
 */
public final class Recovery
{
    /**
     * The settings that change replay results, as given by the caller; {@link #USE_STORED} (0) for any of them
     * adopts the value stored in {@code DIR/LEDGER}.
     */
    public record Settings(long maxAccounts, long maxHolds, long idempotencyWindow)
    {
        /** @return every setting adopted from the directory. */
        public static Settings stored()
        {
            return new Settings(USE_STORED, USE_STORED, USE_STORED);
        }
    }

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

    /** Pass as {@code maxAccounts} to adopt the value stored in {@code DIR/LEDGER}. */
    public static final long USE_STORED = 0;
    /** The capacity of a directory that has no LEDGER file and no data yet, when none is given. */
    public static final long DEFAULT_MAX_ACCOUNTS = 1 << 20;
    /** The holds and keys remembered by a directory that has no LEDGER file, when none is given. */
    public static final long DEFAULT_REMEMBERED = 1 << 20;

    /**
     * Recovers the ledger in {@code dir}, holding a shared lock on {@code DIR/LOCK} meanwhile: a directory
     * an open ledger is writing is refused, never read half-written.
     *
     * @param dir         the ledger directory.
     * @param maxAccounts the capacity of the state to build; {@link #USE_STORED} adopts the stored one.
     * @param results     receives the result of every replayed transaction; may be null.
     * @return the state, a report and the WAL's tail.
     * @throws RecoveryException         naming the file and offset when the data does not verify.
     * @throws SettingsConflictException when {@code maxAccounts} differs from the stored value.
     * @throws DirectoryInUseException   when a ledger has the directory open.
     */
    public static Recovered recover(final Path dir, final long maxAccounts, final ResultLog results)
    {
        return recover(dir, maxAccounts, results, null);
    }

    /**
     * As {@link #recover(Path, long, ResultLog)}, also handing every replayed WAL record to {@code observer}
     * (may be null), e.g. for inspection.
     */
    public static Recovered recover(final Path dir, final long maxAccounts, final ResultLog results,
        final WalReader.RecordHandler observer)
    {
        return recover(dir, new Settings(maxAccounts, USE_STORED, USE_STORED), results, observer);
    }

    /** As {@link #recover(Path, long, ResultLog, WalReader.RecordHandler)} with every setting given. */
    public static Recovered recover(final Path dir, final Settings settings, final ResultLog results,
        final WalReader.RecordHandler observer)
    {
        return recover(Storage.FILES, dir, settings, results, observer);
    }

    /**
     * As {@link #recover(Path, Settings, ResultLog, WalReader.RecordHandler)}, reading the directory from
     * {@code storage} (the simulator's disk).
     */
    public static Recovered recover(final Storage storage, final Path dir, final Settings settings,
        final ResultLog results, final WalReader.RecordHandler observer)
    {
        try (DirectoryLock ignored = DirectoryLock.shared(storage, dir))
        {
            return recoverLocked(storage, dir, settings, results, observer);
        }
    }

    /**
     * As {@link #recover(Path, long, ResultLog, WalReader.RecordHandler)} for a caller that already holds the
     * shared lock of {@code dir} (to read more under the same lock).
     */
    public static Recovered recoverHoldingLock(final DirectoryLock lock, final Path dir, final long maxAccounts,
        final WalReader.RecordHandler observer)
    {
        java.util.Objects.requireNonNull(lock, "lock");
        return recoverLocked(Storage.FILES, dir, new Settings(maxAccounts, USE_STORED, USE_STORED), null, observer);
    }

    /** @return whether {@code dir} holds WAL segments or snapshots. */
    static boolean holdsData(final Storage storage, final Path dir) throws IOException
    {
        return !WalReader.listSegments(storage, walDirectory(dir)).isEmpty()
            || !SnapshotFiles.list(storage, snapshotDirectory(dir)).isEmpty();
    }

    /** Recovery proper; the caller holds the directory's lock. */
    static Recovered recoverLocked(final Storage storage, final Path dir, final Settings settings, final ResultLog results,
        final WalReader.RecordHandler observer)
    {
        final long maxAccountsGiven = settings.maxAccounts();
        final long start = System.nanoTime();
        final Path walDir = walDirectory(dir);
        final Path snapshotDir = snapshotDirectory(dir);
        final List<String> damaged = new ArrayList<>();
        try
        {
            final List<Path> segments = WalReader.listSegments(storage, walDir);
            for (int i = Math.max(0, segments.size() - 2); i < segments.size(); i++)
            {
                WalWriter.refuseIfWritten(storage, segments.get(i)); // a writer whose LOCK file was deleted under it
            }
            final LedgerFile.State stored;
            try
            {
                stored = LedgerFile.read(storage, dir);
            }
            catch (final IOException e)
            {
                throw new RecoveryException("cannot use " + LedgerFile.path(dir) + ": " + e.getMessage(), e);
            }
            if (stored == null && holdsData(storage, dir))
            {
                throw new RecoveryException(dir + " holds WAL segments or snapshots but no " + LedgerFile.NAME
                    + " file: it was not created by this version, or the file was deleted; without it the ledger "
                    + "cannot know how far it had committed, so it refuses to guess", null);
            }
            if (stored != null)
            {
                conflict(dir, "maxAccounts", maxAccountsGiven, stored.maxAccounts());
                conflict(dir, "maxHolds", settings.maxHolds(), stored.maxHolds());
                conflict(dir, "idempotencyWindow", settings.idempotencyWindow(), stored.idempotencyWindow());
            }
            if (stored != null && (stored.maxAccounts() < 1 || stored.maxAccounts() > LedgerConfig.MAX_ACCOUNTS
                || stored.maxHolds() < 1 || stored.maxHolds() > LedgerConfig.MAX_REMEMBERED
                || stored.idempotencyWindow() < 1 || stored.idempotencyWindow() > LedgerConfig.MAX_REMEMBERED))
            {
                throw new RecoveryException(LedgerFile.path(dir) + " records maxAccounts " + stored.maxAccounts()
                    + ", maxHolds " + stored.maxHolds() + ", idempotencyWindow " + stored.idempotencyWindow()
                    + ", outside their ranges: the file is damaged or was not written by this version", null);
            }
            final long maxAccounts = stored != null ? stored.maxAccounts()
                : maxAccountsGiven == USE_STORED ? DEFAULT_MAX_ACCOUNTS : maxAccountsGiven;
            final int maxHolds = (int)(stored != null ? stored.maxHolds()
                : settings.maxHolds() == USE_STORED ? DEFAULT_REMEMBERED : settings.maxHolds());
            final int window = (int)(stored != null ? stored.idempotencyWindow()
                : settings.idempotencyWindow() == USE_STORED ? DEFAULT_REMEMBERED : settings.idempotencyWindow());
            final LedgerState.Limits limits = new LedgerState.Limits(maxAccounts, maxHolds, window, LedgerConfig.MAX_CHAIN);
            final long watermark = stored == null ? 0 : stored.commitWatermark();
            final Loaded newest = loadNewest(storage, snapshotDir, limits, Long.MAX_VALUE, damaged);
            final LedgerState state = newest == null ? new LedgerState(limits) : newest.state();
            final SnapshotFiles.Info snapshot = newest == null ? null : newest.info();
            final long snapshotTxId = snapshot == null ? 0 : snapshot.txId();
            final Replayer replayer = new Replayer(state);
            final long[] replayed = new long[1];
            final Replayer.Outcome outcome = results == null ? null : (txId, result, timestamp, duplicateOf) ->
            {
                results.reserve(txId);
                results.put(txId, result, timestamp, duplicateOf);
            };
            final WalReader.ScanResult scan = WalReader.scan(storage, walDir, snapshotTxId + 1,
                stored == null ? 0 : stored.newestSegment(),
                (record, segment, frameOffset) ->
                {
                    try
                    {
                        replayer.accept(record.txId, record.timestamp, record.type, record.flags, record.timeout,
                            record.account, record.toAccount, record.amount, record.keyHi, record.keyLo, record.result,
                            outcome);
                    }
                    catch (final Replayer.ReplayException e)
                    {
                        throw new WalCorruptionException(segment, frameOffset, e.getMessage());
                    }
                    if (observer != null)
                    {
                        observer.onRecord(record, segment, frameOffset);
                    }
                    replayed[0]++;
                });
            if (replayer.midChain())
            {
                throw new RecoveryException("the WAL in " + walDir + " ends inside the linked chain that starts at "
                    + "transaction " + replayer.chainStart() + ": frames never split a chain, so the data is damaged", null);
            }
            if (scan.segments().isEmpty() && snapshotTxId == 0 && !damaged.isEmpty())
            {
                throw new RecoveryException("no valid snapshot and no WAL to replay", null);
            }
            final long lastTxId = Math.max(snapshotTxId, scan.lastTxId());
            if (!scan.segments().isEmpty() && scan.lastTxId() < snapshotTxId)
            {
                throw new RecoveryException("WAL in " + walDir + " ends at transaction " + scan.lastTxId()
                    + " but snapshot " + snapshot.file() + " holds transaction " + snapshotTxId, null);
            }
            if (lastTxId < watermark)
            {
                throw new RecoveryException("committed transactions " + (lastTxId + 1) + ".." + watermark
                    + " are missing: " + LedgerFile.path(dir) + " records that every transaction up to " + watermark
                    + " was forced to disk, but " + (snapshot == null ? "no snapshot" : "snapshot " + snapshot.file())
                    + " and the WAL in " + walDir + " (" + scan.segments().size() + " segment(s)) end at " + lastTxId
                    + walEnd(scan), null);
            }
            final long newestRecorded = stored == null ? 0 : stored.newestSegment();
            final List<Path> present = WalReader.listSegments(storage, walDir);
            if (newestRecorded > 0 && (present.isEmpty()
                || WalReader.firstTxIdOf(present.get(present.size() - 1)) < newestRecorded))
            {
                // retention never deletes the newest segment, so the recorded one (or a later one) must be there
                throw new RecoveryException("WAL segment " + walDir.resolve(WalFormat.segmentName(newestRecorded))
                    + " is missing: " + LedgerFile.path(dir) + " records it as created (its frames may hold "
                    + "committed transactions from " + newestRecorded + " on); the WAL's data ends at " + lastTxId
                    + walEnd(scan), null);
            }
            final String broken = state.checkInvariants();
            final boolean zeroSum = broken == null;
            final RecoveryReport report = new RecoveryReport(lastTxId, snapshotTxId,
                snapshot == null ? null : snapshot.file().getFileName().toString(), List.copyOf(damaged),
                replayed[0], state.accountCount(), zeroSum, scan.truncatedBytes(), scan.truncation(),
                WalReader.listSegments(storage, walDir).size(), state.stateHash(), System.nanoTime() - start,
                watermark, maxAccounts, maxHolds, window, state.holds().size(), state.keys().size(),
                state.lastTimestamp());
            if (!zeroSum)
            {
                throw new RecoveryException("the recovered state of " + dir + " breaks the ledger's invariants: " + broken,
                    null);
            }
            return new Recovered(state, report, scan);
        }
        catch (final RecoveryException e)
        {
            throw damaged.isEmpty() ? e : new RecoveryException(e.getMessage() + withDamaged(damaged), e.getCause());
        }
        catch (final WalCorruptionException e)
        {
            throw new RecoveryException(e.getMessage() + withDamaged(damaged), e);
        }
        catch (final WalSegmentLockedException e)
        {
            throw new DirectoryInUseException(dir + " is in use: " + e.getMessage(), e);
        }
        catch (final IOException e)
        {
            throw new RecoveryException("cannot read " + dir + ": " + e.getMessage() + withDamaged(damaged), e);
        }
    }

    private static String walEnd(final WalReader.ScanResult scan)
    {
        if (scan.truncation() != null)
        {
            return "; the WAL's end was cut as a torn tail: " + scan.truncation();
        }
        if (scan.segments().isEmpty())
        {
            return "; no WAL segment is left";
        }
        final WalReader.SegmentSummary tail = scan.segments().get(scan.segments().size() - 1);
        return "; the WAL's data ends in " + tail.file() + " at offset " + tail.validEnd();
    }

    /**
     * What a refusal ends with once recovery has skipped damaged snapshots, before their list: not the refusal's
     * cause, which comes first.
     */
    public static final String DAMAGED_SNAPSHOTS_SKIPPED = "; damaged snapshots skipped: ";

    private static String withDamaged(final List<String> damaged)
    {
        return damaged.isEmpty() ? "" : DAMAGED_SNAPSHOTS_SKIPPED + String.join("; ", damaged);
    }

    private static void conflict(final Path dir, final String name, final long given, final long stored)
    {
        if (given != USE_STORED && given != stored)
        {
            throw new SettingsConflictException(name + ": " + LedgerFile.path(dir) + " stores " + stored + " but " + given
                + " was given; replaying with another value changes results (omit the setting to use the stored one)");
        }
    }

    /** A snapshot loaded into a fresh state. */
    record Loaded(LedgerState state, SnapshotFiles.Info info)
    {
    }

    /**
     * Loads the newest snapshot in {@code snapshotDir} at or below {@code maxTxId} that loads (verifies), each into
     * a fresh state, falling back to older ones; describes every one skipped in {@code damaged}.
     *
     * @return it, or null when none does.
     * @throws IOException when the directory cannot be listed.
     */
    static Loaded loadNewest(final Storage storage, final Path snapshotDir, final LedgerState.Limits limits,
        final long maxTxId, final List<String> damaged) throws IOException
    {
        for (final Path file : SnapshotFiles.list(storage, snapshotDir))
        {
            if (SnapshotFiles.txIdOf(file) > maxTxId)
            {
                continue;
            }
            final LedgerState candidate = new LedgerState(limits);
            try
            {
                return new Loaded(candidate, SnapshotFiles.load(storage, file, candidate));
            }
            catch (final SnapshotFiles.SnapshotCorruptionException e)
            {
                damaged.add(e.getMessage());
            }
            catch (final IOException | IllegalArgumentException e)
            {
                damaged.add(file + ": " + e.getMessage());
            }
        }
        return null;
    }

    /** Deletes leftover temporary snapshot files from an interrupted snapshot. */
    static void deleteTemporaryFiles(final Storage storage, final Path snapshotDir) throws IOException
    {
        for (final Path file : storage.list(snapshotDir, ".tmp"))
        {
            storage.deleteIfExists(file);
        }
    }
}
