package io.roda.sequencer;

import com.lmax.disruptor.RingBuffer;

import io.roda.common.Agent;
import io.roda.common.Contexts;
import io.roda.common.ProgressIndex;
import io.roda.common.StageCounters;
import io.roda.common.Waker;
import io.roda.common.TxEvent;
import io.roda.core.LedgerClock;
import io.roda.core.OpType;

/**
 * The sequencer stage: takes operations from the multi-producer {@link SubmissionRing} in id order and
 * publishes them, in batches, into the single-producer Disruptor ring read by the transactor. A linked chain
 * is moved whole, in one publish, so the transactor always finds every member. When that ring is full the
 * sequencer stops taking, so back-pressure reaches the submitters.
 *
 * <p>It also keeps ledger time moving when nothing else does: when it is idle and the next hold expiry the
 * transactor published is due, it submits an internal TICK operation (never waiting for room), whose
 * timestamp makes the due holds expire.
 */
public final class SequencerAgent implements Agent, SubmissionRing.Sink
{
    private static final long RETICK_NANOS = 1_000_000_000L;

    private final SubmissionRing submissions;
    private final RingBuffer<TxEvent> toTransactor;
    private final int maxBatch;
    private final Waker transactor;
    private final ProgressIndex nextExpiry;
    private final LedgerClock clock;
    private final StageCounters counters;
    private long claimed;
    private long tickedFor = Long.MIN_VALUE;
    private long tickedAt;

    /** @param context the stage's settings, checked by {@link Context#conclude()}. */
    public SequencerAgent(final Context context)
    {
        context.conclude();
        this.submissions = context.submissions;
        this.toTransactor = context.toTransactor;
        this.maxBatch = context.maxBatch;
        this.transactor = context.transactorWaker;
        this.nextExpiry = context.nextExpiry;
        this.clock = context.clock;
        this.counters = context.counters;
    }

    /** The sequencer's settings, Aeron style: named setters, checked once by {@link #conclude()}. */
    public static final class Context
    {
        private SubmissionRing submissions;
        private RingBuffer<TxEvent> toTransactor;
        private int maxBatch = 1024;
        private Waker transactorWaker;
        private ProgressIndex nextExpiry;
        private LedgerClock clock = LedgerClock.system();
        private StageCounters counters = new StageCounters("sequencer");

        /** @param ring the multi-producer ingestion ring this stage drains. Required. */
        public Context submissions(final SubmissionRing ring)
        {
            this.submissions = ring;
            return this;
        }

        /** @param ring the ring to the transactor; this stage is its only producer. Required. */
        public Context toTransactor(final RingBuffer<TxEvent> ring)
        {
            this.toTransactor = ring;
            return this;
        }

        /** @param operations most operations moved per {@code doWork()} (a chain may exceed it); default 1024. */
        public Context maxBatch(final int operations)
        {
            this.maxBatch = operations;
            return this;
        }

        /** @param waker the transactor's, woken after each publish. Required. */
        public Context transactorWaker(final Waker waker)
        {
            this.transactorWaker = waker;
            return this;
        }

        /** @param index the next hold expiry, published by the transactor; unset: this stage sends no ticks. */
        public Context nextExpiry(final ProgressIndex index)
        {
            this.nextExpiry = index;
            return this;
        }

        /** @param ledgerClock the ledger clock, read to decide when a tick is due; default the system clock. */
        public Context clock(final LedgerClock ledgerClock)
        {
            this.clock = ledgerClock;
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
            Contexts.require(submissions, "SequencerAgent", "submissions");
            Contexts.require(toTransactor, "SequencerAgent", "toTransactor");
            Contexts.require(transactorWaker, "SequencerAgent", "transactorWaker");
            Contexts.require(clock, "SequencerAgent", "clock");
            Contexts.require(counters, "SequencerAgent", "counters");
            Contexts.positive(maxBatch, "SequencerAgent", "maxBatch");
        }
    }

    @Override
    public int doWork()
    {
        final long room = toTransactor.remainingCapacity();
        int moved = 0;
        long first = -1;
        int count;
        while ((count = submissions.nextCount()) > 0 && moved + count <= room && (moved == 0 || moved + count <= maxBatch))
        {
            final long last = toTransactor.next(count);
            claimed = last - count + 1;
            if (first < 0)
            {
                first = claimed;
            }
            submissions.poll(this); // cannot fail: the next position is published and only we consume
            moved += count;
        }
        if (moved > 0)
        {
            toTransactor.publish(first, first + moved - 1);
            transactor.wake();
            return moved;
        }
        if (count > 0)
        {
            counters.blocked(); // input waiting, but the transactor's ring has no room for it
        }
        if (nextExpiry != null)
        {
            final long due = nextExpiry.get();
            if (due != Long.MAX_VALUE)
            {
                final long now = clock.nanos();
                // one TICK per due time; again a second later should that one not have released it
                if (now >= due && (due != tickedFor || now - tickedAt >= RETICK_NANOS)
                    && submissions.trySubmit(OpType.TICK_CODE, 0, 0, 0) > 0)
                {
                    tickedFor = due;
                    tickedAt = now;
                    return 1;
                }
            }
        }
        return 0;
    }

    @Override
    public void accept(final long txId, final long[] data, final int at)
    {
        final TxEvent event = toTransactor.get(claimed++);
        final long head = data[at + SubmissionRing.F_HEAD];
        event.txId = txId;
        event.type = SubmissionRing.type(head);
        event.flags = SubmissionRing.flags(head);
        event.timeout = SubmissionRing.timeout(head);
        event.account = data[at + SubmissionRing.F_ACCOUNT];
        event.toAccount = data[at + SubmissionRing.F_TO];
        event.amount = data[at + SubmissionRing.F_AMOUNT];
        event.keyHi = data[at + SubmissionRing.F_KEY_HI];
        event.keyLo = data[at + SubmissionRing.F_KEY_LO];
    }

    @Override
    public String roleName()
    {
        return "sequencer";
    }
}
