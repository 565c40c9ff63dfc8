package io.roda.wal;

import java.io.IOException;

import io.roda.common.Agent;
import io.roda.common.Contexts;
import io.roda.common.ProgressIndex;
import io.roda.common.StageCounters;
import io.roda.common.Waker;
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
    private final Waker snapshotter;
    private final long minForceIntervalNanos;
    private final int maxBatch;
    private final StageCounters counters;
    private long lastForceNanos;

    /** @param context the stage's settings, checked by {@link Context#conclude()}. */
    public WalStorerAgent(final Context context)
    {
        context.conclude();
        this.journal = context.journal;
        this.writer = context.writer;
        this.commitIndex = context.commitIndex;
        this.consumed = context.consumed;
        this.snapshotter = context.snapshotterWaker;
        this.minForceIntervalNanos = context.minForceIntervalNanos;
        this.maxBatch = context.maxBatch;
        this.counters = context.counters;
    }

    /** The WAL storer's settings, Aeron style: named setters, checked once by {@link #conclude()}. */
    public static final class Context
    {
        private StoreReader journal;
        private WalWriter writer;
        private ProgressIndex commitIndex;
        private ProgressIndex consumed;
        private Waker snapshotterWaker;
        private long minForceIntervalNanos;
        private int maxBatch = 1024;
        private StageCounters counters = new StageCounters("wal");

        /** @param reader a reader of the transaction journal, at the first uncommitted record. Required. */
        public Context journal(final StoreReader reader)
        {
            this.journal = reader;
            return this;
        }

        /** @param walWriter the WAL writer; this stage closes it when it stops. Required. */
        public Context writer(final WalWriter walWriter)
        {
            this.writer = walWriter;
            return this;
        }

        /** @param index advanced after each forced frame. Required. */
        public Context commitIndex(final ProgressIndex index)
        {
            this.commitIndex = index;
            return this;
        }

        /** @param index journal records consumed; gates the transactor's reuse of journal slots. Required. */
        public Context consumed(final ProgressIndex index)
        {
            this.consumed = index;
            return this;
        }

        /** @param waker the snapshotter's, woken after each commit. Required. */
        public Context snapshotterWaker(final Waker waker)
        {
            this.snapshotterWaker = waker;
            return this;
        }

        /** @param nanos least time between two forces (commit pacing); default 0: force as soon as possible. */
        public Context minForceIntervalNanos(final long nanos)
        {
            this.minForceIntervalNanos = nanos;
            return this;
        }

        /**
         * @param records records per frame before it stops at the next chain boundary; the writer's
         *                {@link WalWriter#maxRecords()} must exceed it by the longest chain. Default 1024.
         */
        public Context maxBatch(final int records)
        {
            this.maxBatch = records;
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
            Contexts.require(journal, "WalStorerAgent", "journal");
            Contexts.require(writer, "WalStorerAgent", "writer");
            Contexts.require(commitIndex, "WalStorerAgent", "commitIndex");
            Contexts.require(consumed, "WalStorerAgent", "consumed");
            Contexts.require(snapshotterWaker, "WalStorerAgent", "snapshotterWaker");
            Contexts.require(counters, "WalStorerAgent", "counters");
            Contexts.positive(maxBatch, "WalStorerAgent", "maxBatch");
            Contexts.notNegative(minForceIntervalNanos, "WalStorerAgent", "minForceIntervalNanos");
            Contexts.distinct("WalStorerAgent", "commitIndex", commitIndex, "consumed", consumed);
        }
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
        final long writeStart = System.nanoTime();
        writer.commitFrame();
        lastForceNanos = System.nanoTime();
        counters.io(lastForceNanos - writeStart);
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
