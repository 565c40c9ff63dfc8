package io.roda.snapshotter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import io.roda.common.Agent;
import io.roda.core.OpType;
import io.roda.common.ProgressIndex;
import io.roda.core.Result;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.DirectIndex;
import io.roda.store.RecordView;
import io.roda.store.SlotStore;
import io.roda.store.StoreReader;

/**
 * The snapshotter stage. It follows the transaction journal up to the commit index and keeps its own
 * shadow copy of every balance, using the post-transaction balances the transactor wrote into each
 * record. Because the copy is its own, a snapshot is taken at an exact transaction boundary without
 * ever pausing the transactor: the only coupling is that the journal cannot be reused before this stage
 * has read it. Every {@code everyTx} committed transactions (and when asked) it writes a snapshot
 * durably, advances the snapshot index, and applies the retention policy.
 */
public final class SnapshotterAgent implements Agent
{
    private static final int BALANCE = 0;
    private static final int LAST_TX = 1;

    private final StoreReader journal;
    private final ProgressIndex commitIndex;
    private final ProgressIndex snapshotIndex;
    private final ProgressIndex consumed;
    private final DirectIndex accounts;
    private final SlotStore slots;
    private final Path directory;
    private final long everyTx;
    private final int maxBatch;
    private final Retention retention;
    private long systemBalance;
    private long systemLastTx;
    private long appliedTxId;
    private long lastSnapshotTxId;
    private final AtomicLong requestedTxId = new AtomicLong(-1); // the highest id asked for; never lowered

    /**
     * @param journal       reader of the transaction journal, positioned after the recovered state.
     * @param commitIndex   only committed records are applied.
     * @param snapshotIndex advanced after each durable snapshot.
     * @param consumed      journal records consumed; gates the transactor.
     * @param maxAccounts   capacity of the shadow state.
     * @param directory     the snapshots directory.
     * @param everyTx       committed transactions between snapshots; 0 disables periodic snapshots.
     * @param maxBatch      most records applied per {@link #doWork()}.
     * @param retention     what to delete after each snapshot.
     * @param recoveredTxId the last transaction of the state seeded through {@link #seed}.
     * @param snapshotTxId  the transaction of the newest snapshot on disk (0 when none).
     */
    public SnapshotterAgent(final StoreReader journal, final ProgressIndex commitIndex, final ProgressIndex snapshotIndex,
        final ProgressIndex consumed, final long maxAccounts, final Path directory, final long everyTx,
        final int maxBatch, final Retention retention, final long recoveredTxId, final long snapshotTxId)
    {
        this.journal = journal;
        this.commitIndex = commitIndex;
        this.snapshotIndex = snapshotIndex;
        this.consumed = consumed;
        this.accounts = DirectIndex.anonymous("snapshotter accounts index", maxAccounts);
        this.slots = new SlotStore("snapshotter balances", 2, (int)maxAccounts);
        this.directory = directory;
        this.everyTx = everyTx;
        this.maxBatch = maxBatch;
        this.retention = retention;
        this.appliedTxId = recoveredTxId;
        this.lastSnapshotTxId = snapshotTxId;
    }

    /** Before start: sets one account of the recovered state (account 0 is the system account). */
    public void seed(final long account, final long balance, final long lastTxId)
    {
        if (account == 0)
        {
            systemBalance = balance;
            systemLastTx = lastTxId;
        }
        else
        {
            set(account, balance, lastTxId);
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
            apply(record);
            journal.next();
            applied++;
        }
        if (applied > 0)
        {
            consumed.set(journal.position());
        }
        final long requested = requestedTxId.get();
        final boolean periodic = everyTx > 0 && appliedTxId - lastSnapshotTxId >= everyTx;
        final boolean asked = requested > lastSnapshotTxId && appliedTxId >= requested;
        if ((periodic || asked) && appliedTxId > lastSnapshotTxId)
        {
            takeSnapshot();
            snapshotIndex.set(lastSnapshotTxId);
            return applied + 1;
        }
        return applied;
    }

    private void apply(final RecordView record)
    {
        final long txId = record.getLong(TxJournalDescriptor.TX_ID_OFFSET);
        appliedTxId = txId;
        if (record.getByte(TxJournalDescriptor.RESULT_OFFSET) != Result.OK.code())
        {
            return;
        }
        final long account = record.getLong(TxJournalDescriptor.ACCOUNT_OFFSET);
        switch (record.getByte(TxJournalDescriptor.TYPE_OFFSET))
        {
            case OpType.OPEN_CODE:
                set(account, 0, txId);
                break;
            case OpType.DEPOSIT_CODE:
            case OpType.WITHDRAW_CODE:
                set(account, record.getLong(TxJournalDescriptor.BALANCE_OFFSET), txId);
                systemBalance = record.getLong(TxJournalDescriptor.SYSTEM_BALANCE_OFFSET);
                systemLastTx = txId;
                break;
            case OpType.TRANSFER_CODE:
                set(account, record.getLong(TxJournalDescriptor.BALANCE_OFFSET), txId);
                set(record.getLong(TxJournalDescriptor.TO_ACCOUNT_OFFSET),
                    record.getLong(TxJournalDescriptor.TO_BALANCE_OFFSET), txId);
                break;
            default:
                throw new IllegalStateException("journal record of tx " + txId + " has unknown type "
                    + record.getByte(TxJournalDescriptor.TYPE_OFFSET));
        }
    }

    private void set(final long account, final long balance, final long txId)
    {
        long slot = accounts.get(account);
        if (slot == DirectIndex.MISSING)
        {
            slot = slots.allocate();
            accounts.put(account, slot);
        }
        slots.beginWrite((int)slot);
        slots.putLong((int)slot, BALANCE, balance);
        slots.putLong((int)slot, LAST_TX, txId);
        slots.endWrite((int)slot);
    }

    private void takeSnapshot() throws IOException
    {
        final Path file = SnapshotFiles.write(directory, appliedTxId, accounts.size(), systemBalance, systemLastTx,
            sink -> accounts.forEach((account, slot) ->
                sink.accept(account, slots.getLong((int)slot, BALANCE), slots.getLong((int)slot, LAST_TX))));
        lastSnapshotTxId = appliedTxId;
        retention.afterSnapshot(file);
    }

    /** @return the last transaction applied to the shadow state (snapshotter thread; racy elsewhere). */
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
