package io.roda.transactor;

import java.nio.ByteBuffer;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import io.roda.common.Agent;
import io.roda.common.ProgressIndex;
import io.roda.common.TxEvent;
import io.roda.common.Waker;
import io.roda.core.LedgerClock;
import io.roda.core.LedgerState;
import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.JournalStore;

/**
 * The transactor stage: the only thread that applies business rules. It reads operations from the
 * sequencer's Disruptor ring in batches, stamps each with ledger time (strictly increasing), applies it to
 * {@link LedgerState} (a linked chain as one all-or-nothing unit), appends a record to the transaction
 * journal (a ring-mode Roda {@link JournalStore} the WAL storer and snapshotter read), stores the result
 * for status queries, and at the end of the batch publishes the journal and advances the compute index.
 * A batch never ends inside a chain. When the journal is full (the WAL is behind) it stops, so
 * back-pressure propagates. After each batch it publishes when the next hold expires, for the sequencer's
 * ticks.
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
    private final Waker wal;
    private final LedgerClock clock;
    private final ProgressIndex nextExpiry;
    private final byte[] chainResults;
    private final long[] chainStamps;
    private long stampedLast;

    /**
     * @param fromSequencer the ring from the sequencer.
     * @param consumed      this agent's sequence, registered as the ring's gating sequence.
     * @param state         the ledger state it owns.
     * @param journal       the transaction journal it writes.
     * @param results       results for status queries.
     * @param computeIndex  advanced after each batch.
     * @param maxBatch      most operations applied per {@link #doWork()} (a chain may run past it).
     * @param wal           woken after each journal publish.
     * @param clock         ledger clock.
     * @param nextExpiry    receives the ledger time of the next hold expiry after each batch.
     */
    public TransactorAgent(final RingBuffer<TxEvent> fromSequencer, final Sequence consumed, final LedgerState state,
        final JournalStore journal, final ResultLog results, final ProgressIndex computeIndex, final int maxBatch,
        final Waker wal, final LedgerClock clock, final ProgressIndex nextExpiry)
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
        this.clock = clock;
        this.nextExpiry = nextExpiry;
        this.chainResults = new byte[state.maxChain()];
        this.chainStamps = new long[state.maxChain()];
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
        long last = Math.min(available, next + maxBatch - 1);
        while (last < available && (fromSequencer.get(last).flags & TxJournalDescriptor.LINKED) != 0)
        {
            last++; // never end a batch inside a chain: the sequencer published all of it at once
        }
        results.reserve(fromSequencer.get(last).txId);
        final long now = clock.nanos();
        long sequence = next;
        long txId = 0;
        while (sequence <= last)
        {
            final TxEvent event = fromSequencer.get(sequence);
            if ((event.flags & TxJournalDescriptor.LINKED) == 0)
            {
                final long record = journal.tryClaim();
                if (record < 0)
                {
                    break;
                }
                txId = event.txId;
                long timestamp = stamp(now);
                if (event.type == OpType.TICK_CODE)
                {
                    // the sequencer sent it because its clock reading passed the next expiry: never stamp it
                    // below that (a clock that stepped back would otherwise make it expire nothing)
                    final long due = state.nextExpiry();
                    if (due != Long.MAX_VALUE && due > timestamp)
                    {
                        timestamp = due;
                        stampedLast = due;
                    }
                }
                final byte result = state.applyOne(txId, timestamp, event.type, event.account, event.toAccount,
                    event.amount, event.timeout, (event.flags & TxJournalDescriptor.KEYED) != 0, event.keyHi, event.keyLo);
                write(record, event, result, timestamp, state.duplicateOf());
                sequence++;
            }
            else
            {
                final int count = chainLength(sequence, last);
                if (!journal.hasRoom(count))
                {
                    break;
                }
                applyChain(sequence, count, now);
                sequence += count;
                txId = fromSequencer.get(sequence - 1).txId;
            }
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
            final long expiry = state.nextExpiry();
            if (expiry != nextExpiry.get())
            {
                nextExpiry.set(expiry);
            }
        }
        return applied;
    }

    private int chainLength(final long start, final long last)
    {
        long end = start;
        while (end < last && (fromSequencer.get(end).flags & TxJournalDescriptor.LINKED) != 0)
        {
            end++;
        }
        return (int)(end - start + 1);
    }

    private void applyChain(final long start, final int count, final long now)
    {
        for (int i = 0; i < count; i++)
        {
            chainStamps[i] = stamp(now);
        }
        state.beginChain(chainStamps[0]);
        int failed = -1;
        for (int i = 0; i < count && failed < 0; i++)
        {
            final TxEvent event = fromSequencer.get(start + i);
            final byte result = state.apply(event.txId, chainStamps[i], event.type, event.account, event.toAccount,
                event.amount, event.timeout, (event.flags & TxJournalDescriptor.KEYED) != 0, event.keyHi, event.keyLo);
            chainResults[i] = result;
            if (result != 0)
            {
                failed = i;
            }
        }
        final long original = failed >= 0 ? state.duplicateOf() : 0;
        state.endChain(failed < 0, chainStamps[count - 1]);
        for (int i = 0; i < count; i++)
        {
            final TxEvent event = fromSequencer.get(start + i);
            final byte result = failed < 0 ? Result.OK.code()
                : i == failed ? chainResults[i] : Result.LINKED_EVENT_FAILED.code();
            write(journal.tryClaim(), event, result, chainStamps[i], i == failed ? original : 0);
        }
    }

    /** @return the next timestamp: the clock's reading, or one more than the last stamp when that is later. */
    private long stamp(final long now)
    {
        stampedLast = Math.max(now, Math.max(stampedLast, state.lastTimestamp()) + 1);
        return stampedLast;
    }

    private void write(final long record, final TxEvent event, final byte result, final long timestamp, final long original)
    {
        final int at = journal.offsetOf(record);
        final ByteBuffer b = journalBuffer;
        b.putLong(at + TxJournalDescriptor.TX_ID_OFFSET, event.txId);
        b.put(at + TxJournalDescriptor.TYPE_OFFSET, (byte)event.type);
        b.put(at + TxJournalDescriptor.RESULT_OFFSET, result);
        b.put(at + TxJournalDescriptor.FLAGS_OFFSET, (byte)event.flags);
        b.putInt(at + TxJournalDescriptor.TIMEOUT_OFFSET, event.timeout);
        b.putLong(at + TxJournalDescriptor.ACCOUNT_OFFSET, event.account);
        b.putLong(at + TxJournalDescriptor.TO_ACCOUNT_OFFSET, event.toAccount);
        b.putLong(at + TxJournalDescriptor.AMOUNT_OFFSET, event.amount);
        b.putLong(at + TxJournalDescriptor.TIMESTAMP_OFFSET, timestamp);
        if ((event.flags & TxJournalDescriptor.KEYED) != 0)
        {
            b.putLong(at + TxJournalDescriptor.KEY_HI_OFFSET, event.keyHi);
            b.putLong(at + TxJournalDescriptor.KEY_LO_OFFSET, event.keyLo);
        }
        results.put(event.txId, result, timestamp, original);
    }

    @Override
    public String roleName()
    {
        return "transactor";
    }
}
