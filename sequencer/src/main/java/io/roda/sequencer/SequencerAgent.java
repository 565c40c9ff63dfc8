package io.roda.sequencer;

import com.lmax.disruptor.RingBuffer;

import io.roda.common.Agent;
import io.roda.common.TxEvent;

/**
 * The sequencer stage: takes operations from the multi-producer {@link SubmissionRing} in id order and
 * publishes them, in batches, into the single-producer Disruptor ring read by the transactor. When that
 * ring is full the sequencer stops taking, so back-pressure reaches the submitters.
 */
public final class SequencerAgent implements Agent, SubmissionRing.Sink
{
    private final SubmissionRing submissions;
    private final RingBuffer<TxEvent> toTransactor;
    private final int maxBatch;
    private final io.roda.common.Waker transactor;
    private long claimed;

    /**
     * @param submissions  the ingestion ring.
     * @param toTransactor the ring to the transactor; this agent is its only producer.
     * @param maxBatch     most operations moved per {@link #doWork()}.
     * @param transactor   woken after each publish.
     */
    public SequencerAgent(final SubmissionRing submissions, final RingBuffer<TxEvent> toTransactor, final int maxBatch,
        final io.roda.common.Waker transactor)
    {
        this.transactor = transactor;
        this.submissions = submissions;
        this.toTransactor = toTransactor;
        this.maxBatch = maxBatch;
    }

    @Override
    public int doWork()
    {
        final int room = (int)Math.min(maxBatch, toTransactor.remainingCapacity());
        int moved = 0;
        long first = -1;
        while (moved < room && submissions.hasNext())
        {
            claimed = toTransactor.next();
            if (first < 0)
            {
                first = claimed;
            }
            submissions.poll(this); // cannot fail: the next position is published and only we consume
            moved++;
        }
        if (moved > 0)
        {
            toTransactor.publish(first, first + moved - 1);
            transactor.wake();
        }
        return moved;
    }

    @Override
    public void accept(final long txId, final int type, final long account, final long toAccount, final long amount)
    {
        final TxEvent event = toTransactor.get(claimed);
        event.txId = txId;
        event.type = type;
        event.account = account;
        event.toAccount = toAccount;
        event.amount = amount;
    }

    @Override
    public String roleName()
    {
        return "sequencer";
    }
}
