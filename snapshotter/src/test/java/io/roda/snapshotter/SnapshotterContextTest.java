package io.roda.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.common.ProgressIndex;
import io.roda.common.Waker;
import io.roda.core.LedgerState;
import io.roda.core.StateImage;

/** Issue 10: a stage is built from named settings, and a wrong wiring fails at build time, by name. */
class SnapshotterContextTest
{
    @TempDir
    Path dir;

    private SnapshotterAgent.Context complete()
    {
        return new SnapshotterAgent.Context()
            .image(new StateImage(new LedgerState(16), new LedgerState(16)), new Waker())
            .commitIndex(new ProgressIndex(0))
            .snapshotIndex(new ProgressIndex(0))
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
        assertEquals("SnapshotterAgent.Context: everyTx must be >= 0, was -1", assertThrows(
            IllegalStateException.class, () -> new SnapshotterAgent(complete().everyTx(-1))).getMessage());
        assertEquals("SnapshotterAgent.Context: image is not set", assertThrows(IllegalStateException.class,
            () -> new SnapshotterAgent(complete().image(null, new Waker()))).getMessage());
    }
}
