package io.roda.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.roda.snapshotter.Retention;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.wal.WalChannelFactory;
import io.roda.wal.WalReader;

/**
 * Retention policy, applied after each durable snapshot: keep the newest {@code retainSnapshots}
 * snapshots, delete older ones, then delete every WAL segment whose transactions are all covered by the
 * <em>oldest kept</em> snapshot (so recovery can still fall back to it). The newest segment is never
 * deleted. Both directories are forced after deleting.
 */
final class WalRetention implements Retention
{
    private final Path walDir;
    private final Path snapshotDir;
    private final int retainSnapshots;

    WalRetention(final Path walDir, final Path snapshotDir, final int retainSnapshots)
    {
        this.walDir = walDir;
        this.snapshotDir = snapshotDir;
        this.retainSnapshots = retainSnapshots;
    }

    @Override
    public void afterSnapshot(final Path snapshot) throws IOException
    {
        final List<Path> snapshots = SnapshotFiles.list(snapshotDir);
        for (int i = retainSnapshots; i < snapshots.size(); i++)
        {
            Files.deleteIfExists(snapshots.get(i));
        }
        final long oldestKept = SnapshotFiles.txIdOf(snapshots.get(Math.min(retainSnapshots, snapshots.size()) - 1));
        final List<Path> segments = WalReader.listSegments(walDir);
        boolean deleted = false;
        for (int i = 0; i + 1 < segments.size(); i++)
        {
            if (WalReader.firstTxIdOf(segments.get(i + 1)) <= oldestKept + 1)
            {
                Files.deleteIfExists(segments.get(i));
                deleted = true;
            }
        }
        if (deleted)
        {
            WalChannelFactory.forceDirectoryOf(walDir);
        }
        if (snapshots.size() > retainSnapshots)
        {
            WalChannelFactory.forceDirectoryOf(snapshotDir);
        }
    }
}
