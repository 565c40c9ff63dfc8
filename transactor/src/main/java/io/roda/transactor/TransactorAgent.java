package io.roda.transactor;

import java.nio.ByteBuffer;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import io.roda.common.Agent;
import io.roda.core.LedgerState;
import io.roda.common.ProgressIndex;
import io.roda.common.TxEvent;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.JournalStore;

/**
 * The transactor stage: the only thread that applies business rules. It reads operations from the
 * sequencer's Disruptor ring in batches, applies each to {@link LedgerState}, appends a result record to
 * the transaction journal (a ring-mode Roda {@link JournalStore} the WAL storer and snapshotter read),
 * stores the result for status queries, and at the end of the batch publishes the journal and advances
 * the compute index. When the journal is full (the WAL is behind) it stops, so back-pressure propagates.
 */
public final class TransactorAgent implements Agent
{
    private final RingBuffer<TxEvent> fromSequencer;
    private final Sequence consumed;
    private final LedgerState state;
    private final JournalStore journal;
    private final ByteBuffer journalBuffer;
    private final ResultLog results;
    private final ProgressIndex computeIndex;
    private final int maxBatch;
    private final io.roda.common.Waker wal;

    /**
     * @param fromSequencer the ring from the sequencer.
     * @param consumed      this agent's sequence, registered as the ring's gating sequence.
     * @param state         the ledger state it owns.
     * @param journal       the transaction journal it writes.
     * @param results       results for status queries.
     * @param computeIndex  advanced after each batch.
     * @param maxBatch      most operations applied per {@link #doWork()}.
     * @param wal           woken after each journal publish.
     */
    public TransactorAgent(final RingBuffer<TxEvent> fromSequencer, final Sequence consumed, final LedgerState state,
        final JournalStore journal, final ResultLog results, final ProgressIndex computeIndex, final int maxBatch,
        final io.roda.common.Waker wal)
    {
        this.wal = wal;
        this.fromSequencer = fromSequencer;
        this.consumed = consumed;
        this.state = state;
        this.journal = journal;
        this.journalBuffer = journal.buffer();
        this.results = results;
        this.computeIndex = computeIndex;
        this.maxBatch = maxBatch;
    }

    @Override
    public int doWork()
    {
        final long next = consumed.get() + 1;
        final long available = fromSequencer.getCursor();
        if (available < next)
        {
            return 0;
        }
        final long last = Math.min(available, next + maxBatch - 1);
        results.reserve(fromSequencer.get(last).txId);
        long sequence = next;
        long txId = 0;
        for (; sequence <= last; sequence++)
        {
            final long record = journal.tryClaim();
            if (record < 0)
            {
                break;
            }
            final TxEvent event = fromSequencer.get(sequence);
            txId = event.txId;
            final byte result = state.apply(txId, event.type, event.account, event.toAccount, event.amount);
            final int at = journal.offsetOf(record);
            journalBuffer.putLong(at + TxJournalDescriptor.TX_ID_OFFSET, txId);
            journalBuffer.put(at + TxJournalDescriptor.TYPE_OFFSET, (byte)event.type);
            journalBuffer.put(at + TxJournalDescriptor.RESULT_OFFSET, result);
            journalBuffer.putLong(at + TxJournalDescriptor.ACCOUNT_OFFSET, event.account);
            journalBuffer.putLong(at + TxJournalDescriptor.TO_ACCOUNT_OFFSET, event.toAccount);
            journalBuffer.putLong(at + TxJournalDescriptor.AMOUNT_OFFSET, event.amount);
            journalBuffer.putLong(at + TxJournalDescriptor.BALANCE_OFFSET, state.balanceAfter());
            journalBuffer.putLong(at + TxJournalDescriptor.TO_BALANCE_OFFSET, state.toBalanceAfter());
            journalBuffer.putLong(at + TxJournalDescriptor.SYSTEM_BALANCE_OFFSET, state.systemBalance());
            results.put(txId, result);
        }
        final int applied = (int)(sequence - next);
        if (applied > 0)
        {
            // compute first: the WAL may commit these records the instant they are published, and the
            // commit index must never run ahead of the compute index
            computeIndex.set(txId);
            journal.publish();
            consumed.set(sequence - 1);
            wal.wake();
        }
        return applied;
    }

    @Override
    public String roleName()
    {
        return "transactor";
    }
}
