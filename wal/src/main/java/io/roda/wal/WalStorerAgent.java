package io.roda.wal;

import java.io.IOException;

import io.roda.common.Agent;
import io.roda.common.ProgressIndex;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.RecordView;
import io.roda.store.StoreReader;

/**
 * The WAL storer stage: takes every transaction the transactor has journaled, writes them as one frame
 * (group commit: everything available, up to the frame limit), forces the frame to disk, and only then
 * advances the commit index. An optional minimum interval between forces (commit pacing) trades up to
 * that interval of commit latency for far fewer forces: on virtualised disks a flood of small forces can
 * stall the whole machine. A failed write or force stops this agent with the error: the commit index
 * never covers a transaction that is not on disk.
 */
public final class WalStorerAgent implements Agent
{
    private final StoreReader journal;
    private final WalWriter writer;
    private final ProgressIndex commitIndex;
    private final ProgressIndex consumed;
    private final io.roda.common.Waker snapshotter;
    private final long minForceIntervalNanos;
    private final int maxBatch;
    private long lastForceNanos;

    /**
     * @param journal     a reader of the transaction journal, positioned at the first uncommitted record.
     * @param writer      the WAL writer.
     * @param commitIndex advanced after each forced frame.
     * @param consumed    journal records consumed; gates the transactor's reuse of journal slots.
     * @param snapshotter woken after each commit.
     * @param minForceIntervalNanos least time between two forces (commit pacing; 0 = force as soon as possible).
     * @param maxBatch    records per frame before it stops at the next chain boundary; the writer's
     *                    {@link WalWriter#maxRecords()} must exceed it by the longest chain.
     */
    public WalStorerAgent(final StoreReader journal, final WalWriter writer, final ProgressIndex commitIndex,
        final ProgressIndex consumed, final io.roda.common.Waker snapshotter, final long minForceIntervalNanos,
        final int maxBatch)
    {
        this.maxBatch = maxBatch;
        this.minForceIntervalNanos = minForceIntervalNanos;
        this.snapshotter = snapshotter;
        this.journal = journal;
        this.writer = writer;
        this.commitIndex = commitIndex;
        this.consumed = consumed;
    }

    @Override
    public int doWork() throws IOException
    {
        final long available = journal.available();
        final long from = journal.position();
        if (available <= from)
        {
            return 0;
        }
        if (minForceIntervalNanos > 0)
        {
            // commit pacing: let the group grow until the interval has passed. The WAL thread has nothing
            // else to do meanwhile, so it sleeps here rather than spin through its idle strategy.
            final long wait = lastForceNanos + minForceIntervalNanos - System.nanoTime();
            if (wait > 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
        final long limit = Math.min(journal.available() - from, maxBatch);
        long txId = 0;
        long taken = 0;
        boolean linked = false;
        // a frame never ends inside a chain: past the batch limit, keep taking until the chain's last record
        // (the transactor publishes a chain whole, so it is all available)
        while (taken < limit || (linked && journal.position() < journal.available()))
        {
            final RecordView record = journal.next();
            txId = record.getLong(TxJournalDescriptor.TX_ID_OFFSET);
            if (taken == 0)
            {
                writer.beginFrame(txId);
            }
            final int flags = record.getByte(TxJournalDescriptor.FLAGS_OFFSET);
            writer.addRecord(record.getByte(TxJournalDescriptor.TYPE_OFFSET),
                record.getByte(TxJournalDescriptor.RESULT_OFFSET), flags,
                record.getInt(TxJournalDescriptor.TIMEOUT_OFFSET),
                record.getLong(TxJournalDescriptor.ACCOUNT_OFFSET),
                record.getLong(TxJournalDescriptor.TO_ACCOUNT_OFFSET),
                record.getLong(TxJournalDescriptor.AMOUNT_OFFSET),
                record.getLong(TxJournalDescriptor.TIMESTAMP_OFFSET),
                record.getLong(TxJournalDescriptor.KEY_HI_OFFSET),
                record.getLong(TxJournalDescriptor.KEY_LO_OFFSET));
            linked = (flags & TxJournalDescriptor.LINKED) != 0;
            taken++;
        }
        final int count = (int)taken;
        writer.commitFrame();
        lastForceNanos = System.nanoTime();
        commitIndex.set(txId);
        consumed.set(journal.position());
        snapshotter.wake();
        return count;
    }

    @Override
    public String roleName()
    {
        return "wal";
    }

    @Override
    public void onClose()
    {
        try
        {
            writer.close();
        }
        catch (final IOException ignored)
        {
            // closing after a failure: the failure has already been reported
        }
    }
}
