package io.roda.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A WAL segment is locked by another process: a ledger is writing this directory. The writer holds an
 * exclusive lock on the segment it appends to, so that a second writer (or a reader) is refused even when
 * the directory's LOCK file was deleted or replaced behind the first writer's back.
 */
public final class WalSegmentLockedException extends IOException
{
    private static final long serialVersionUID = 1L;

    /** @param segment the locked segment. */
    public WalSegmentLockedException(final Path segment)
    {
        super(segment + " is locked by another process: a ledger is writing this directory");
    }
}
