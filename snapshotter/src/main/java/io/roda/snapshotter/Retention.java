package io.roda.snapshotter;

import java.io.IOException;
import java.nio.file.Path;

/** What to delete once a new snapshot is durable; the wiring supplies the WAL-aware policy. */
@FunctionalInterface
public interface Retention
{
    /** Never deletes anything. */
    Retention KEEP_ALL = snapshot -> { };

    /**
     * Called on the snapshotter thread after {@code snapshot} is durable.
     *
     * @param snapshot the new snapshot file.
     */
    void afterSnapshot(Path snapshot) throws IOException;
}
