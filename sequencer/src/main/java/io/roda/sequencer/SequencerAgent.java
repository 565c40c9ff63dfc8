package io.roda.sequencer;

import com.lmax.disruptor.RingBuffer;

import io.roda.common.Agent;
import io.roda.common.ProgressIndex;
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
    private final io.roda.common.Waker transactor;
    private final ProgressIndex nextExpiry;
    private final LedgerClock clock;
    private long claimed;
    private long tickedFor = Long.MIN_VALUE;
    private long tickedAt;

    /**
     * @param submissions  the ingestion ring.
     * @param toTransactor the ring to the transactor; this agent is its only producer.
     * @param maxBatch     most operations moved per {@link #doWork()} (a chain may exceed it).
     * @param transactor   woken after each publish.
     * @param nextExpiry   ledger time of the next hold expiry, published by the transactor; null: no ticks.
     * @param clock        ledger clock (nanoseconds since the epoch).
     */
    public SequencerAgent(final SubmissionRing submissions, final RingBuffer<TxEvent> toTransactor, final int maxBatch,
        final io.roda.common.Waker transactor, final ProgressIndex nextExpiry, final LedgerClock clock)
    {
        this.transactor = transactor;
        this.submissions = submissions;
        this.toTransactor = toTransactor;
        this.maxBatch = maxBatch;
        this.nextExpiry = nextExpiry;
        this.clock = clock;
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
