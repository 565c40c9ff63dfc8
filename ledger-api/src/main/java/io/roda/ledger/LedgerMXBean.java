package io.roda.ledger;

import io.roda.common.StageStats;

/**
 * The JMX view of one open ledger, registered by {@link Ledger#open} on the platform MBean server as
 * {@code io.roda.ledger:type=Ledger,directory="<real path of the directory>"} (quoted with
 * {@code ObjectName.quote}; symbolic links resolved) and unregistered by {@link Ledger#close}, also when close
 * fails. Should the name be taken (never by another open ledger on the same directory, which its lock
 * prevents), the bean gets {@code ,instance=2} and so on; an existing bean is never replaced.
 * Read-only. Indexes and lags count <b>transactions</b> (ids); stage times are <b>nanoseconds</b>.
 *
 * <p>Each stage attribute is a composite ({@link StageStats}) of cumulative counts since the ledger opened:
 * {@code items}, {@code batches} (loops that did work), {@code meanBatch} (items per batch),
 * {@code busyLoops}, {@code idleLoops} (no input), {@code blockedLoops} (input, but the downstream ring was
 * full), {@code busyNanos}, {@code idleNanos}, {@code blockedNanos} (which add up to the stage's running time),
 * {@code busyRatio} and {@code blockedRatio} (0..1), {@code busyNanosPerItem}, {@code ioOperations} and
 * {@code ioNanos} (WAL frames written and forced; snapshots written), and {@code batchHistogram} (bucket k
 * counts batches of 2^k to 2^(k+1)-1 items). Subtract two readings for a rate.
 */
public interface LedgerMXBean
{
    /** @return the ledger's directory. */
    String getDirectory();

    /** @return the highest transaction id handed out to a submitter. */
    long getLastAssignedId();

    /** @return the compute index: every transaction up to it is applied. */
    long getComputeIndex();

    /** @return the commit index: every transaction up to it is forced to disk. */
    long getCommitIndex();

    /** @return the snapshot index: the newest durable snapshot contains every transaction up to it. */
    long getSnapshotIndex();

    /** @return transactions handed out but not yet applied: last assigned id − compute index. */
    long getComputeLag();

    /** @return transactions applied but not yet durable: compute index − commit index. */
    long getCommitLag();

    /** @return transactions durable but in no snapshot yet: commit index − snapshot index. */
    long getSnapshotLag();

    /** @return where each stage runs, e.g. {@code transactor: cpu 3 (core 3)} or {@code wal: unpinned}. */
    String[] getStagePlacement();

    /** @return whether a stage has failed (the ledger then accepts no work). */
    boolean isFailed();

    /** @return the sequencer's counters: items are operations moved to the transactor's ring. */
    StageStats getSequencer();

    /** @return the transactor's counters: items are transactions applied and journaled. */
    StageStats getTransactor();

    /** @return the WAL storer's counters: items are records written; I/O is frames written and forced. */
    StageStats getWal();

    /** @return the snapshotter's counters: items are records replayed; I/O is snapshots written. */
    StageStats getSnapshotter();
}
