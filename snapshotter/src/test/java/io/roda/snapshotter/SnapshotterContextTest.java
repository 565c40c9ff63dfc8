package io.roda.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.common.ProgressIndex;
import io.roda.core.LedgerState;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.JournalStore;

/** Issue 10: a stage is built from named settings, and a wrong wiring fails at build time, by name. */
class SnapshotterContextTest
{
    @TempDir
    Path dir;

    private SnapshotterAgent.Context complete()
    {
        final JournalStore journal = JournalStore.anonymous("journal", TxJournalDescriptor.LENGTH, 64,
            JournalStore.Mode.APPEND);
        return new SnapshotterAgent.Context()
            .journal(journal.reader())
            .commitIndex(new ProgressIndex(0))
            .snapshotIndex(new ProgressIndex(0))
            .consumed(new ProgressIndex(0))
            .recovered(new LedgerState(16), 0, 0)
            .directory(dir);
    }

    @Test
    void aCompleteContextBuildsTheStage()
    {
        assertEquals("snapshotter", new SnapshotterAgent(complete()).roleName());
    }

    @Test
    void aMissingSettingIsNamed()
    {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new SnapshotterAgent(complete().commitIndex(null)));
        assertEquals("SnapshotterAgent.Context: commitIndex is not set", e.getMessage());
    }

    @Test
    void swappedProgressIndexesAreRefused()
    {
        final ProgressIndex shared = new ProgressIndex(0);
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new SnapshotterAgent(complete().commitIndex(shared).snapshotIndex(shared)));
        assertEquals("SnapshotterAgent.Context: commitIndex and snapshotIndex are the same ProgressIndex", e.getMessage());
    }

    @Test
    void outOfRangeSettingsAreNamed()
    {
        assertEquals("SnapshotterAgent.Context: maxBatch must be positive, was 0", assertThrows(
            IllegalStateException.class, () -> new SnapshotterAgent(complete().maxBatch(0))).getMessage());
        assertEquals("SnapshotterAgent.Context: the newest snapshot (tx 5) is past the recovered state (tx 4)",
            assertThrows(IllegalStateException.class,
                () -> new SnapshotterAgent(complete().recovered(new LedgerState(16), 4, 5))).getMessage());
    }
}
