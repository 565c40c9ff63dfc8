package io.roda.wal;

import java.io.IOException;

import io.roda.common.Agent;
import io.roda.common.ProgressIndex;
import io.roda.common.TxJournalDescriptor;
import io.roda.store.RecordView;
import io.roda.store.StoreReader;

/**
 * The WAL storer stage: takes every transaction the transactor has journaled, writes them as one frame
 * (group commit: everything available, up to the frame limit), forces the frame to disk, and only then
 * advances the commit index. A failed write or force stops this agent with the error: the commit index
 * never covers a transaction that is not on disk.
 */
public final class WalStorerAgent implements Agent
{
    private final StoreReader journal;
    private final WalWriter writer;
    private final ProgressIndex commitIndex;
    private final ProgressIndex consumed;

    /**
     * @param journal     a reader of the transaction journal, positioned at the first uncommitted record.
     * @param writer      the WAL writer.
     * @param commitIndex advanced after each forced frame.
     * @param consumed    journal records consumed; gates the transactor's reuse of journal slots.
     */
    public WalStorerAgent(final StoreReader journal, final WalWriter writer, final ProgressIndex commitIndex,
        final ProgressIndex consumed)
    {
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
        final int count = (int)Math.min(available - from, writer.maxRecords());
        long txId = 0;
        for (int i = 0; i < count; i++)
        {
            final RecordView record = journal.next();
            txId = record.getLong(TxJournalDescriptor.TX_ID_OFFSET);
            if (i == 0)
            {
                writer.beginFrame(txId);
            }
            writer.addRecord(record.getByte(TxJournalDescriptor.TYPE_OFFSET),
                record.getByte(TxJournalDescriptor.RESULT_OFFSET),
                record.getLong(TxJournalDescriptor.ACCOUNT_OFFSET),
                record.getLong(TxJournalDescriptor.TO_ACCOUNT_OFFSET),
                record.getLong(TxJournalDescriptor.AMOUNT_OFFSET));
        }
        writer.commitFrame();
        commitIndex.set(txId);
        consumed.set(journal.position());
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
