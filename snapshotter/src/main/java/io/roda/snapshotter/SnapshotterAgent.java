package io.roda.snapshotter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import io.roda.common.Agent;
import io.roda.common.Contexts;
import io.roda.common.ProgressIndex;
import io.roda.common.StageCounters;
import io.roda.core.LedgerState;
import io.roda.core.Replayer;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.RecordView;
import io.roda.store.StoreReader;

/**
 * The snapshotter stage. It follows the transaction journal up to the commit index and keeps its own copy
 * of the whole ledger state (accounts, holds, keys, ledger time) by replaying every committed record through
 * the same rules the transactor ran ({@link Replayer}, which also checks each result: a divergence stops the
 * stage instead of snapshotting a wrong state). Because the copy is its own, a snapshot is taken at an exact
 * transaction boundary (never inside a linked chain) without ever pausing the transactor: the only coupling
 * is that the journal cannot be reused before this stage has read it. Every {@code everyTx} committed
 * transactions (and when asked) it writes a snapshot durably, advances the snapshot index, and applies the
 * retention policy.
 */
public final class SnapshotterAgent implements Agent
{
    private final StoreReader journal;
    private final ProgressIndex commitIndex;
    private final ProgressIndex snapshotIndex;
    private final ProgressIndex consumed;
    private final LedgerState state;
    private final Replayer replayer;
    private final Path directory;
    private final long everyTx;
    private final int maxBatch;
    private final Retention retention;
    private final StageCounters counters;
    private long appliedTxId;
    private long lastSnapshotTxId;
    private final AtomicLong requestedTxId = new AtomicLong(-1); // the highest id asked for; never lowered

    /** @param context the stage's settings, checked by {@link Context#conclude()}. */
    public SnapshotterAgent(final Context context)
    {
        context.conclude();
        this.journal = context.journal;
        this.commitIndex = context.commitIndex;
        this.snapshotIndex = context.snapshotIndex;
        this.consumed = context.consumed;
        this.state = new LedgerState(context.recovered.limits());
        this.state.copyFrom(context.recovered);
        this.replayer = new Replayer(state);
        this.directory = context.directory;
        this.everyTx = context.everyTx;
        this.maxBatch = context.maxBatch;
        this.retention = context.retention;
        this.counters = context.counters;
        this.appliedTxId = context.recoveredTxId;
        this.lastSnapshotTxId = context.snapshotTxId;
    }

    /** The snapshotter's settings, Aeron style: named setters, checked once by {@link #conclude()}. */
    public static final class Context
    {
        private StoreReader journal;
        private ProgressIndex commitIndex;
        private ProgressIndex snapshotIndex;
        private ProgressIndex consumed;
        private LedgerState recovered;
        private Path directory;
        private long everyTx;
        private int maxBatch = 1024;
        private Retention retention = file -> { };
        private long recoveredTxId;
        private long snapshotTxId;
        private StageCounters counters = new StageCounters("snapshotter");

        /** @param reader a reader of the transaction journal, positioned after the recovered state. Required. */
        public Context journal(final StoreReader reader)
        {
            this.journal = reader;
            return this;
        }

        /** @param index only records up to it (committed) are applied. Required. */
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

        /** @param index journal records consumed; gates the transactor's reuse of journal slots. Required. */
        public Context consumed(final ProgressIndex index)
        {
            this.consumed = index;
            return this;
        }

        /**
         * @param state         the recovered state, copied (when the agent is built) into the stage's own. Required.
         * @param lastTxId      the last transaction of that state.
         * @param newestSnapshotTxId the transaction of the newest snapshot on disk (0 when none).
         */
        public Context recovered(final LedgerState state, final long lastTxId, final long newestSnapshotTxId)
        {
            this.recovered = state;
            this.recoveredTxId = lastTxId;
            this.snapshotTxId = newestSnapshotTxId;
            return this;
        }

        /** @param snapshots the snapshots directory. Required. */
        public Context directory(final Path snapshots)
        {
            this.directory = snapshots;
            return this;
        }

        /** @param transactions committed transactions between snapshots; 0 (default) disables periodic ones. */
        public Context everyTx(final long transactions)
        {
            this.everyTx = transactions;
            return this;
        }

        /** @param records most records applied per {@code doWork()}; default 1024. */
        public Context maxBatch(final int records)
        {
            this.maxBatch = records;
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
            Contexts.require(journal, "SnapshotterAgent", "journal");
            Contexts.require(commitIndex, "SnapshotterAgent", "commitIndex");
            Contexts.require(snapshotIndex, "SnapshotterAgent", "snapshotIndex");
            Contexts.require(consumed, "SnapshotterAgent", "consumed");
            Contexts.require(recovered, "SnapshotterAgent", "recovered");
            Contexts.require(directory, "SnapshotterAgent", "directory");
            Contexts.require(retention, "SnapshotterAgent", "retention");
            Contexts.require(counters, "SnapshotterAgent", "counters");
            Contexts.positive(maxBatch, "SnapshotterAgent", "maxBatch");
            Contexts.notNegative(everyTx, "SnapshotterAgent", "everyTx");
            Contexts.notNegative(recoveredTxId, "SnapshotterAgent", "recovered lastTxId");
            Contexts.notNegative(snapshotTxId, "SnapshotterAgent", "recovered newestSnapshotTxId");
            if (snapshotTxId > recoveredTxId)
            {
                throw new IllegalStateException("SnapshotterAgent.Context: the newest snapshot (tx " + snapshotTxId
                    + ") is past the recovered state (tx " + recoveredTxId + ")");
            }
            Contexts.distinct("SnapshotterAgent", "commitIndex", commitIndex, "snapshotIndex", snapshotIndex,
                "consumed", consumed);
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
        final long committed = commitIndex.get();
        int applied = 0;
        RecordView record;
        while (applied < maxBatch && (record = journal.get()) != null
            && record.getLong(TxJournalDescriptor.TX_ID_OFFSET) <= committed)
        {
            replayer.accept(record.getLong(TxJournalDescriptor.TX_ID_OFFSET),
                record.getLong(TxJournalDescriptor.TIMESTAMP_OFFSET), record.getByte(TxJournalDescriptor.TYPE_OFFSET),
                record.getByte(TxJournalDescriptor.FLAGS_OFFSET), record.getInt(TxJournalDescriptor.TIMEOUT_OFFSET),
                record.getLong(TxJournalDescriptor.ACCOUNT_OFFSET), record.getLong(TxJournalDescriptor.TO_ACCOUNT_OFFSET),
                record.getLong(TxJournalDescriptor.AMOUNT_OFFSET), record.getLong(TxJournalDescriptor.KEY_HI_OFFSET),
                record.getLong(TxJournalDescriptor.KEY_LO_OFFSET), record.getByte(TxJournalDescriptor.RESULT_OFFSET),
                null);
            journal.next();
            applied++;
        }
        if (applied > 0)
        {
            consumed.set(journal.position());
            if (!replayer.midChain())
            {
                appliedTxId = replayer.lastApplied();
            }
        }
        final long requested = requestedTxId.get();
        final boolean periodic = everyTx > 0 && appliedTxId - lastSnapshotTxId >= everyTx;
        final boolean asked = requested > lastSnapshotTxId && appliedTxId >= requested;
        if ((periodic || asked) && appliedTxId > lastSnapshotTxId && !replayer.midChain())
        {
            takeSnapshot();
            snapshotIndex.set(lastSnapshotTxId);
            return applied + 1;
        }
        return applied;
    }

    private void takeSnapshot() throws IOException
    {
        final long start = System.nanoTime();
        final Path file = SnapshotFiles.write(directory, appliedTxId, state);
        counters.io(System.nanoTime() - start);
        lastSnapshotTxId = appliedTxId;
        retention.afterSnapshot(file);
    }

    /** @return the last transaction applied to this stage's state (snapshotter thread; racy elsewhere). */
    public long appliedTxId()
    {
        return appliedTxId;
    }

    @Override
    public String roleName()
    {
        return "snapshotter";
    }
}
