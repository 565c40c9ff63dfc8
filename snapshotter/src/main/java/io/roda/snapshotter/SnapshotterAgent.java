package io.roda.snapshotter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import io.roda.common.Agent;
import io.roda.common.ProgressIndex;
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
    private long appliedTxId;
    private long lastSnapshotTxId;
    private final AtomicLong requestedTxId = new AtomicLong(-1); // the highest id asked for; never lowered

    /**
     * @param journal       reader of the transaction journal, positioned after the recovered state.
     * @param commitIndex   only committed records are applied.
     * @param snapshotIndex advanced after each durable snapshot.
     * @param consumed      journal records consumed; gates the transactor.
     * @param recovered     the recovered state, copied (before start) into this stage's own.
     * @param directory     the snapshots directory.
     * @param everyTx       committed transactions between snapshots; 0 disables periodic snapshots.
     * @param maxBatch      most records applied per {@link #doWork()}.
     * @param retention     what to delete after each snapshot.
     * @param recoveredTxId the last transaction of the recovered state.
     * @param snapshotTxId  the transaction of the newest snapshot on disk (0 when none).
     */
    public SnapshotterAgent(final StoreReader journal, final ProgressIndex commitIndex, final ProgressIndex snapshotIndex,
        final ProgressIndex consumed, final LedgerState recovered, final Path directory, final long everyTx,
        final int maxBatch, final Retention retention, final long recoveredTxId, final long snapshotTxId)
    {
        this.journal = journal;
        this.commitIndex = commitIndex;
        this.snapshotIndex = snapshotIndex;
        this.consumed = consumed;
        this.state = new LedgerState(recovered.limits());
        this.state.copyFrom(recovered);
        this.replayer = new Replayer(state);
        this.directory = directory;
        this.everyTx = everyTx;
        this.maxBatch = maxBatch;
        this.retention = retention;
        this.appliedTxId = recoveredTxId;
        this.lastSnapshotTxId = snapshotTxId;
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
        final Path file = SnapshotFiles.write(directory, appliedTxId, state);
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
