package io.roda.transactor;

import java.nio.ByteBuffer;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import io.roda.common.Agent;
import io.roda.common.Contexts;
import io.roda.common.ProgressIndex;
import io.roda.common.StageCounters;
import io.roda.common.TxEvent;
import io.roda.common.Waker;
import io.roda.core.LedgerClock;
import io.roda.core.LedgerState;
import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.core.StateImage;
import io.roda.core.TxJournalDescriptor;
import io.roda.store.JournalStore;

/**
 * The transactor stage: the only thread that applies business rules. It reads operations from the
 * sequencer's Disruptor ring in batches, stamps each with ledger time (strictly increasing), applies it to
 * {@link LedgerState} (a linked chain as one all-or-nothing unit), appends a record to the transaction
 * journal (a ring-mode Roda {@link JournalStore} the WAL storer reads), stores the result
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
    private final StageCounters counters;
    private final StateImage image;
    private final Waker snapshotter;
    private final byte[] chainResults;
    private final long[] chainStamps;
    private long stampedLast;

    /** @param context the stage's settings, checked by {@link Context#conclude()}. */
    public TransactorAgent(final Context context)
    {
        context.conclude();
        this.fromSequencer = context.fromSequencer;
        this.consumed = context.consumed;
        this.state = context.state;
        this.journal = context.journal;
        this.journalBuffer = journal.buffer();
        this.results = context.results;
        this.computeIndex = context.computeIndex;
        this.maxBatch = context.maxBatch;
        this.wal = context.walWaker;
        this.clock = context.clock;
        this.nextExpiry = context.nextExpiry;
        this.counters = context.counters;
        this.image = context.image;
        this.snapshotter = context.snapshotterWaker;
        this.chainResults = new byte[state.maxChain()];
        this.chainStamps = new long[state.maxChain()];
    }

    /** The transactor's settings, Aeron style: named setters, checked once by {@link #conclude()}. */
    public static final class Context
    {
        private RingBuffer<TxEvent> fromSequencer;
        private Sequence consumed;
        private LedgerState state;
        private JournalStore journal;
        private ResultLog results;
        private ProgressIndex computeIndex;
        private int maxBatch = 1024;
        private Waker walWaker;
        private LedgerClock clock = LedgerClock.system();
        private ProgressIndex nextExpiry;
        private StageCounters counters = new StageCounters("transactor");
        private StateImage image;
        private Waker snapshotterWaker;

        /** @param ring the ring from the sequencer. Required. */
        public Context fromSequencer(final RingBuffer<TxEvent> ring)
        {
            this.fromSequencer = ring;
            return this;
        }

        /** @param sequence this stage's sequence, registered as the ring's gating sequence. Required. */
        public Context consumed(final Sequence sequence)
        {
            this.consumed = sequence;
            return this;
        }

        /** @param ledgerState the ledger state this stage owns and alone writes. Required. */
        public Context state(final LedgerState ledgerState)
        {
            this.state = ledgerState;
            return this;
        }

        /** @param store the transaction journal this stage writes (RING mode). Required. */
        public Context journal(final JournalStore store)
        {
            this.journal = store;
            return this;
        }

        /** @param log where results go for status queries. Required. */
        public Context results(final ResultLog log)
        {
            this.results = log;
            return this;
        }

        /** @param index advanced after each batch. Required. */
        public Context computeIndex(final ProgressIndex index)
        {
            this.computeIndex = index;
            return this;
        }

        /** @param operations most operations applied per {@code doWork()} (a chain may run past it); default 1024. */
        public Context maxBatch(final int operations)
        {
            this.maxBatch = operations;
            return this;
        }

        /** @param waker the WAL storer's, woken after each journal publish. Required. */
        public Context walWaker(final Waker waker)
        {
            this.walWaker = waker;
            return this;
        }

        /** @param ledgerClock the ledger clock; default the system clock. */
        public Context clock(final LedgerClock ledgerClock)
        {
            this.clock = ledgerClock;
            return this;
        }

        /** @param index receives the ledger time of the next hold expiry after each batch. Required. */
        public Context nextExpiry(final ProgressIndex index)
        {
            this.nextExpiry = index;
            return this;
        }

        /** @param stageCounters this stage's counters (the runner's); default a fresh set. */
        public Context counters(final StageCounters stageCounters)
        {
            this.counters = stageCounters;
            return this;
        }

        /**
         * @param stateImage the snapshotter's copy of the state, synced between batches when it asks; unset: no
         *                   snapshots.
         * @param waker      the snapshotter's, woken after each sync.
         */
        public Context image(final StateImage stateImage, final Waker waker)
        {
            this.image = stateImage;
            this.snapshotterWaker = waker;
            return this;
        }

        /** @throws IllegalStateException naming the first setting that is missing or out of range. */
        public void conclude()
        {
            if (image != null)
            {
                Contexts.require(snapshotterWaker, "TransactorAgent", "image's snapshotter waker");
            }
            Contexts.require(fromSequencer, "TransactorAgent", "fromSequencer");
            Contexts.require(consumed, "TransactorAgent", "consumed");
            Contexts.require(state, "TransactorAgent", "state");
            Contexts.require(journal, "TransactorAgent", "journal");
            Contexts.require(results, "TransactorAgent", "results");
            Contexts.require(computeIndex, "TransactorAgent", "computeIndex");
            Contexts.require(walWaker, "TransactorAgent", "walWaker");
            Contexts.require(clock, "TransactorAgent", "clock");
            Contexts.require(nextExpiry, "TransactorAgent", "nextExpiry");
            Contexts.require(counters, "TransactorAgent", "counters");
            Contexts.positive(maxBatch, "TransactorAgent", "maxBatch");
            Contexts.distinct("TransactorAgent", "computeIndex", computeIndex, "nextExpiry", nextExpiry);
        }
    }

    @Override
    public int doWork()
    {
        if (image != null && image.handoff() == StateImage.WANTED)
        {
            syncImage(); // between two batches: never inside a chain (not an item: its time is counted as I/O)
        }
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
                    counters.blocked(); // the journal is full: the WAL storer is behind
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
                    counters.blocked();
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

    /** Brings the snapshotter's copy up to the state after the last transaction applied, and hands it back. */
    private void syncImage()
    {
        final long start = System.nanoTime();
        state.syncTo(image.copy());
        image.synced(computeIndex.get()); // this stage alone advances the compute index: it is the last applied
        counters.io(System.nanoTime() - start);
        snapshotter.wake();
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
