package io.roda.snapshotter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import io.roda.common.Agent;
import io.roda.common.Contexts;
import io.roda.common.ProgressIndex;
import io.roda.common.StageCounters;
import io.roda.common.Waker;
import io.roda.core.StateImage;
import io.roda.storage.Storage;

/**
 * The snapshotter stage. It writes durable snapshots of the ledger state without replaying a single transaction
 * and without pausing the transactor for longer than it takes to copy what changed since the last snapshot.
 *
 * <p>It owns a copy of the whole ledger state (accounts, holds, keys, ledger time), a {@link StateImage}. When a
 * snapshot is due (every {@code everyTx} committed transactions, or when asked), it hands the copy to the
 * transactor, which, between two batches, copies into it only what changed since the last hand-off (the
 * accounts written and opened, and the hold table or key window when they changed) and hands it back marked
 * with the last transaction applied. A batch never ends inside a linked chain, so the copy is the exact state
 * at a transaction boundary. The snapshotter then waits until that transaction is committed (a snapshot never
 * holds what the WAL has not forced), writes the snapshot durably, advances the snapshot index, and applies the
 * retention policy. Recovery is unchanged: the newest valid snapshot, then the WAL after it.
 *
 * <p>Before issue 10 this stage replayed every committed transaction through its own copy of the rules, which
 * cost as much CPU as the transactor itself; see docs/PERFORMANCE.md for what the hand-off saves.
 */
public final class SnapshotterAgent implements Agent
{
    private final StateImage image;
    private final ProgressIndex commitIndex;
    private final ProgressIndex snapshotIndex;
    private final Waker transactor;
    private final Path directory;
    private final Storage storage;
    private final long everyTx;
    private final Retention retention;
    private final StageCounters counters;
    private long lastSnapshotTxId;
    private final AtomicLong requestedTxId = new AtomicLong(-1); // the highest id asked for; never lowered

    /** @param context the stage's settings, checked by {@link Context#conclude()}. */
    public SnapshotterAgent(final Context context)
    {
        context.conclude();
        this.image = context.image;
        this.commitIndex = context.commitIndex;
        this.snapshotIndex = context.snapshotIndex;
        this.transactor = context.transactorWaker;
        this.directory = context.directory;
        this.storage = context.storage;
        this.everyTx = context.everyTx;
        this.retention = context.retention;
        this.counters = context.counters;
        this.lastSnapshotTxId = context.snapshotTxId;
    }

    /** The snapshotter's settings, Aeron style: named setters, checked once by {@link #conclude()}. */
    public static final class Context
    {
        private StateImage image;
        private ProgressIndex commitIndex;
        private ProgressIndex snapshotIndex;
        private Waker transactorWaker;
        private Path directory;
        private Storage storage = Storage.FILES;
        private long everyTx;
        private Retention retention = file -> { };
        private long snapshotTxId;
        private StageCounters counters = new StageCounters("snapshotter");

        /**
         * @param stateImage the copy of the state the transactor syncs on request. Required.
         * @param waker      the transactor's, woken when a sync is requested. Required.
         */
        public Context image(final StateImage stateImage, final Waker waker)
        {
            this.image = stateImage;
            this.transactorWaker = waker;
            return this;
        }

        /** @param index a snapshot is written only once the commit index covers its transaction. Required. */
        public Context commitIndex(final ProgressIndex index)
        {
            this.commitIndex = index;
            return this;
        }

        /** @param index advanced after each durable snapshot. Required. */
        public Context snapshotIndex(final ProgressIndex index)
        {
            this.snapshotIndex = index;
            return this;
        }

        /** @param txId the transaction of the newest snapshot on disk (0 when none; the default). */
        public Context newestSnapshotTxId(final long txId)
        {
            this.snapshotTxId = txId;
            return this;
        }

        /** @param snapshots the snapshots directory. Required. */
        public Context directory(final Path snapshots)
        {
            this.directory = snapshots;
            return this;
        }

        /** @param files where snapshots are written; default the real file system. */
        public Context storage(final Storage files)
        {
            this.storage = files;
            return this;
        }

        /** @param transactions committed transactions between snapshots; 0 (default) disables periodic ones. */
        public Context everyTx(final long transactions)
        {
            this.everyTx = transactions;
            return this;
        }

        /** @param policy what to delete after each snapshot; default nothing. */
        public Context retention(final Retention policy)
        {
            this.retention = policy;
            return this;
        }

        /** @param stageCounters this stage's counters (the runner's); default a fresh set. */
        public Context counters(final StageCounters stageCounters)
        {
            this.counters = stageCounters;
            return this;
        }

        /** @throws IllegalStateException naming the first setting that is missing or out of range. */
        public void conclude()
        {
            Contexts.require(image, "SnapshotterAgent", "image");
            Contexts.require(transactorWaker, "SnapshotterAgent", "image's transactor waker");
            Contexts.require(commitIndex, "SnapshotterAgent", "commitIndex");
            Contexts.require(snapshotIndex, "SnapshotterAgent", "snapshotIndex");
            Contexts.require(directory, "SnapshotterAgent", "directory");
            Contexts.require(storage, "SnapshotterAgent", "storage");
            Contexts.require(retention, "SnapshotterAgent", "retention");
            Contexts.require(counters, "SnapshotterAgent", "counters");
            Contexts.notNegative(everyTx, "SnapshotterAgent", "everyTx");
            Contexts.notNegative(snapshotTxId, "SnapshotterAgent", "newestSnapshotTxId");
            Contexts.distinct("SnapshotterAgent", "commitIndex", commitIndex, "snapshotIndex", snapshotIndex);
        }
    }

    /**
     * Any thread: asks for a snapshot once the state reaches {@code txId} (committed). Requests are never
     * lost: the agent keeps the highest id ever asked for and is done with it once a snapshot at or past it
     * exists, so a request that arrives while a snapshot is being written is served by the next one.
     */
    public void requestSnapshot(final long txId)
    {
        requestedTxId.accumulateAndGet(txId, Math::max);
    }

    @Override
    public int doWork() throws IOException
    {
        final long handoff = image.handoff();
        if (handoff == StateImage.WANTED)
        {
            return 0; // the transactor has the copy
        }
        if (handoff >= 0)
        {
            if (handoff <= lastSnapshotTxId)
            {
                image.release(); // nothing new since the last snapshot (e.g. asked right after recovery)
                return 0;
            }
            if (commitIndex.get() < handoff)
            {
                return 0; // the WAL wakes this stage after each commit
            }
            final long covered = handoff - lastSnapshotTxId;
            takeSnapshot(handoff);
            image.release();
            snapshotIndex.set(lastSnapshotTxId);
            return (int)Math.min(Integer.MAX_VALUE, covered); // items: transactions the new snapshot covers
        }
        final long committed = commitIndex.get();
        final long requested = requestedTxId.get();
        final boolean periodic = everyTx > 0 && committed - lastSnapshotTxId >= everyTx;
        final boolean asked = requested > lastSnapshotTxId && committed >= requested;
        if (periodic || asked)
        {
            image.request();
            transactor.wake(); // it syncs between two batches, then wakes this stage
        }
        return 0;
    }

    private void takeSnapshot(final long txId) throws IOException
    {
        final long start = System.nanoTime();
        final Path file = SnapshotFiles.write(storage, directory, txId, image.copy());
        lastSnapshotTxId = txId;
        counters.io(System.nanoTime() - start);
        retention.afterSnapshot(file);
    }

    @Override
    public String roleName()
    {
        return "snapshotter";
    }
}
