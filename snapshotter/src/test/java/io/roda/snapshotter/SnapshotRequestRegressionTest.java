package io.roda.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.OpType;
import io.roda.common.ProgressIndex;
import io.roda.core.Result;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.JournalStore;

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
        final JournalStore journal = JournalStore.anonymous("journal", TxJournalDescriptor.LENGTH, 64, JournalStore.Mode.APPEND);
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
            .journal(journal.reader())
            .commitIndex(commit)
            .snapshotIndex(snapshot)
            .consumed(new ProgressIndex(0))
            .recovered(new io.roda.core.LedgerState(16), 0, 0)
            .directory(dir)
            .retention(requestDuringWrite));

        for (long tx = 1; tx <= 4; tx++)
        {
            append(journal, tx);
        }
        commit.set(2);
        agent[0].requestSnapshot(2);
        agent[0].doWork();
        assertEquals(2, snapshot.get(), "the first request is served");

        commit.set(4);
        agent[0].doWork();
        assertEquals(4, snapshot.get(), "the request made during the first snapshot is not lost");
        assertEquals(2, SnapshotFiles.list(dir).size());
    }

    private static void append(final JournalStore journal, final long txId)
    {
        final long index = journal.claim();
        final int at = journal.offsetOf(index);
        final java.nio.ByteBuffer buffer = journal.buffer();
        buffer.putLong(at + TxJournalDescriptor.TX_ID_OFFSET, txId);
        buffer.put(at + TxJournalDescriptor.TYPE_OFFSET, (byte)OpType.OPEN_CODE);
        buffer.put(at + TxJournalDescriptor.RESULT_OFFSET, (byte)Result.OK.code());
        buffer.putLong(at + TxJournalDescriptor.ACCOUNT_OFFSET, txId);
        buffer.putLong(at + TxJournalDescriptor.TIMESTAMP_OFFSET, 1_000 + txId);
        journal.publish();
    }
}
