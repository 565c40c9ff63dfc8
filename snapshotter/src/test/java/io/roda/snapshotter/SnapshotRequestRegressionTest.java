package io.roda.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.common.ProgressIndex;
import io.roda.common.Waker;
import io.roda.core.LedgerState;
import io.roda.core.OpType;
import io.roda.core.StateImage;

/**
 * Regression of issue 8, defect 3: the snapshotter read the requested id, wrote the snapshot, then set the
 * request to -1, wiping out any request that arrived during the write (close()'s own included), so
 * close() waited forever for a snapshot nobody would take. Here a request arrives exactly while a snapshot
 * is being written (from the retention callback, which runs on the snapshotter thread right after the
 * write), for a transaction that is not yet committed. Once it is, it must be served.
 */
class SnapshotRequestRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void aRequestArrivingWhileASnapshotIsWrittenIsServedByTheNextOne() throws Exception
    {
        final LedgerState live = new LedgerState(16);
        final StateImage image = new StateImage(live, new LedgerState(16));
        final ProgressIndex commit = new ProgressIndex(0);
        final ProgressIndex snapshot = new ProgressIndex(0);
        final SnapshotterAgent[] agent = new SnapshotterAgent[1];
        final Retention requestDuringWrite = file ->
        {
            if (SnapshotFiles.txIdOf(file) == 2)
            {
                agent[0].requestSnapshot(4); // arrives while the snapshot at 2 is being taken
            }
        };
        agent[0] = new SnapshotterAgent(new SnapshotterAgent.Context()
            .image(image, new Waker())
            .commitIndex(commit)
            .snapshotIndex(snapshot)
            .directory(dir)
            .retention(requestDuringWrite));

        apply(live, 1);
        apply(live, 2);
        commit.set(2);
        agent[0].requestSnapshot(2);
        agent[0].doWork();
        transactorSyncs(live, image, 2);
        agent[0].doWork();
        assertEquals(2, snapshot.get(), "the first request is served");

        apply(live, 3);
        apply(live, 4);
        commit.set(4);
        agent[0].doWork();
        transactorSyncs(live, image, 4);
        agent[0].doWork();
        assertEquals(4, snapshot.get(), "the request made during the first snapshot is not lost");
        assertEquals(2, SnapshotFiles.list(dir).size());
    }

    private static void apply(final LedgerState state, final long txId)
    {
        state.applyOne(txId, 1_000 + txId, OpType.OPEN_CODE, txId, 0, 0, 0, false, 0, 0);
    }

    /** What the transactor does between two batches once the snapshotter asked. */
    private static void transactorSyncs(final LedgerState live, final StateImage image, final long txId)
    {
        assertEquals(StateImage.WANTED, image.handoff(), "the snapshotter asked for the copy");
        live.syncTo(image.copy());
        image.synced(txId);
    }
}
