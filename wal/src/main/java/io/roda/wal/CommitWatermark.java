package io.roda.wal;

import java.io.IOException;

/**
 * Where the WAL writer records, durably, how far the ledger has committed: raised when a segment is
 * rolled (every transaction before the new segment is forced) and when the writer closes. Recovery
 * refuses to report success below it, so a lost or deleted WAL is never mistaken for a short one.
 */
@FunctionalInterface
public interface CommitWatermark
{
    /** Records nothing (tools and tests that write a WAL without a ledger directory). */
    CommitWatermark NONE = (committedThrough, newestSegment) -> { };

    /**
     * Durably records that every transaction up to {@code committedThrough} is forced to disk and that the
     * segment starting at {@code newestSegment} exists with a durable header. Never lowers either value.
     *
     * @throws IOException when it cannot be recorded; the writer then fails like on any WAL write error.
     */
    void raise(long committedThrough, long newestSegment) throws IOException;
}
