package io.roda.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.roda.common.Agent;
import io.roda.common.ProgressIndex;
import io.roda.core.LedgerState;
import io.roda.feed.FeedAgent;
import io.roda.feed.LedgerFeed;
import io.roda.snapshotter.SnapshotFiles;
import io.roda.storage.Storage;
import io.roda.wal.WalReader;

/**
 * The only class of ledger-api that touches {@code io.roda.feed} (and so Chronicle Queue): it is loaded only
 * when a ledger is opened with the feed on, so a ledger without the feed needs neither on its class path nor
 * any JVM flag.
 */
final class FeedWiring
{
    private LedgerFeed reader;

    private FeedWiring()
    {
    }

    /**
     * @return the feed stage, its queue open.
     * @throws IllegalStateException when roda-feed is not on the class path or the JVM lacks a flag.
     */
    static Agent agent(final LedgerConfig config, final LedgerState.Limits limits, final ProgressIndex commitIndex,
        final ProgressIndex feedIndex, final Consumer<Throwable> onFailure) throws IOException
    {
        final Path dir = config.directory();
        final Path walDir = Recovery.walDirectory(dir);
        final Path snapshotDir = Recovery.snapshotDirectory(dir);
        return new FeedAgent(new FeedAgent.Context()
            .ledgerDirectory(dir)
            .limits(limits)
            .commitIndex(commitIndex)
            .feedIndex(feedIndex)
            .rollCycle(config.feedRollCycle())
            .retention(config.feedRetention())
            .maxBatch(config.maxBatch())
            .onFailure(onFailure)
            .stateSource(new FeedAgent.StateSource()
            {
                @Override
                public long earliestStart() throws IOException
                {
                    if (walHoldsTheFirst(walDir, snapshotDir))
                    {
                        return 0;
                    }
                    final List<Path> snapshots = SnapshotFiles.list(snapshotDir);
                    for (int i = snapshots.size() - 1; i >= 0; i--)
                    {
                        if (WalRetention.verifies(Storage.FILES, snapshots.get(i)))
                        {
                            return SnapshotFiles.txIdOf(snapshots.get(i));
                        }
                    }
                    throw new IOException("the WAL in " + walDir + " no longer holds transaction 1 and no snapshot "
                        + "in " + snapshotDir + " verifies: the feed has nowhere to start");
                }

                @Override
                public Start atOrBelow(final long txId) throws IOException
                {
                    final List<String> skipped = new ArrayList<>();
                    final Recovery.Loaded loaded = Recovery.loadNewest(Storage.FILES, snapshotDir, limits, txId, skipped);
                    if (loaded != null)
                    {
                        return new Start(loaded.state(), loaded.info().txId());
                    }
                    if (walHoldsTheFirst(walDir, snapshotDir))
                    {
                        return new Start(new LedgerState(limits), 0);
                    }
                    throw new IOException("the feed holds transactions up to " + txId + " but no snapshot at or below "
                        + "it verifies and the WAL no longer holds transaction 1: move " + dir.resolve("feed")
                        + " away to start the feed again from the oldest snapshot"
                        + (skipped.isEmpty() ? "" : "; skipped: " + String.join("; ", skipped)));
                }
            }));
    }

    private static boolean walHoldsTheFirst(final Path walDir, final Path snapshotDir) throws IOException
    {
        final List<Path> segments = WalReader.listSegments(walDir);
        return segments.isEmpty() ? SnapshotFiles.list(snapshotDir).isEmpty() : WalReader.firstTxIdOf(segments.get(0)) == 1;
    }

    /** @return a reader of the feed of {@code config}'s directory, for history queries. */
    static FeedWiring reader(final LedgerConfig config)
    {
        final FeedWiring wiring = new FeedWiring();
        wiring.reader = LedgerFeed.open(config.directory());
        return wiring;
    }

    synchronized List<LedgerFeed.HistoryEntry> history(final long account, final int limit, final long beforeTxId)
    {
        return reader.history(account, limit, beforeTxId);
    }

    synchronized void close()
    {
        reader.close();
    }
}
