package io.roda.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.roda.snapshotter.Retention;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.storage.Storage;
import io.roda.wal.WalReader;

/**
 * Retention policy, applied after each durable snapshot. Only snapshots that <em>verify</em> count: keep
 * the newest {@code retainSnapshots} verifying snapshots and delete every snapshot older than the oldest of
 * them; then delete every WAL segment whose transactions are all covered by that oldest kept snapshot (so
 * recovery can still fall back to it). While fewer than {@code retainSnapshots} snapshots verify, nothing
 * is deleted and the WAL is kept from transaction 1: a lone snapshot is never the only copy of history.
 * The newest segment is never deleted. Both directories are forced after deleting.
 */
final class WalRetention implements Retention
{
    private final Storage storage;
    private final Path walDir;
    private final Path snapshotDir;
    private final int retainSnapshots;
    private final java.util.function.LongSupplier feedIndex;

    WalRetention(final Path walDir, final Path snapshotDir, final int retainSnapshots)
    {
        this(Storage.FILES, walDir, snapshotDir, retainSnapshots, null);
    }

    /**
     * @param feedIndex the feed's last transaction, or null when the feed is off: the newest verifying snapshot
     *                  at or below it, and the WAL after that snapshot, are kept too, so the feed can rebuild its
     *                  state after a crash however far it lags.
     */
    WalRetention(final Storage storage, final Path walDir, final Path snapshotDir, final int retainSnapshots,
        final java.util.function.LongSupplier feedIndex)
    {
        if (retainSnapshots < 2)
        {
            throw new IllegalArgumentException("retainSnapshots must be at least 2, was " + retainSnapshots);
        }
        this.storage = storage;
        this.walDir = walDir;
        this.snapshotDir = snapshotDir;
        this.retainSnapshots = retainSnapshots;
        this.feedIndex = feedIndex;
    }

    @Override
    public void afterSnapshot(final Path snapshot) throws IOException
    {
        final List<Path> snapshots = SnapshotFiles.list(storage, snapshotDir);
        final List<Path> verifying = new ArrayList<>();
        int oldestKeptIndex = -1;
        for (int i = 0; i < snapshots.size() && verifying.size() < retainSnapshots; i++)
        {
            if (verifies(storage, snapshots.get(i)))
            {
                verifying.add(snapshots.get(i));
                oldestKeptIndex = i;
            }
        }
        if (verifying.size() < retainSnapshots)
        {
            return; // keep every snapshot and the WAL from transaction 1
        }
        if (feedIndex != null)
        {
            final long fed = feedIndex.getAsLong();
            int floor = -1;
            for (int i = 0; i < snapshots.size() && floor < 0; i++)
            {
                if (SnapshotFiles.txIdOf(snapshots.get(i)) <= fed && (verifying.contains(snapshots.get(i))
                    || verifies(storage, snapshots.get(i))))
                {
                    floor = i;
                }
            }
            if (floor < 0)
            {
                return; // the feed may need the WAL from transaction 1: keep everything
            }
            if (floor > oldestKeptIndex)
            {
                oldestKeptIndex = floor;
                verifying.add(snapshots.get(floor));
            }
        }
        for (int i = oldestKeptIndex + 1; i < snapshots.size(); i++)
        {
            storage.deleteIfExists(snapshots.get(i));
        }
        final long oldestKept = SnapshotFiles.txIdOf(verifying.get(verifying.size() - 1));
        final List<Path> segments = WalReader.listSegments(storage, walDir);
        boolean deleted = false;
        for (int i = 0; i + 1 < segments.size(); i++)
        {
            if (WalReader.firstTxIdOf(segments.get(i + 1)) <= oldestKept + 1)
            {
                storage.deleteIfExists(segments.get(i));
                deleted = true;
            }
        }
        if (deleted)
        {
            storage.forceDirectory(walDir);
        }
        if (oldestKeptIndex + 1 < snapshots.size())
        {
            storage.forceDirectory(snapshotDir);
        }
    }

    /** @return whether {@code snapshot} verifies; one that does not is logged and does not count. */
    static boolean verifies(final Storage storage, final Path snapshot)
    {
        try
        {
            SnapshotFiles.verify(storage, snapshot);
            return true;
        }
        catch (final IOException e)
        {
            System.getLogger(WalRetention.class.getName()).log(System.Logger.Level.WARNING,
                "retention: snapshot does not verify and does not count: " + e.getMessage());
            return false;
        }
    }
}
