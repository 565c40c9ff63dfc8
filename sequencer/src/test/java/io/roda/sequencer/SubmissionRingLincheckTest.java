package io.roda.sequencer;

import java.util.concurrent.TimeUnit;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link SubmissionRing}: Lincheck runs small concurrent scenarios of submits, polls
 * and a close, and explores thread switches at every shared-memory access (a paused winner between its
 * cell CAS and its tail CAS included). Every history must be linearizable against {@link Spec}, and with
 * {@code checkObstructionFreedom} no thread may spin waiting for another: the livelock in which
 * submitters re-read a lagging tail forever (issue 8, defect 1) is reported as a failure.
 *
 * <p>The ring is sized so that it never fills up in these scenarios: waiting for room is back-pressure,
 * which is blocking by design and specified elsewhere.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class SubmissionRingLincheckTest
{
    private final SubmissionRing ring = new SubmissionRing(64, 64, 1, 4);

    @Operation
    public long submit(final int amount)
    {
        return ring.submit(3, 1, 2, amount);
    }

    @Operation(nonParallelGroup = "consumer")
    public long poll()
    {
        final long[] taken = {-1};
        return (ring.poll(sink((txId, type, account, toAccount, amount) -> taken[0] = txId * 1000 + amount)) > 0) ? taken[0] : -1;
    }

    @Operation(runOnce = true)
    public boolean close()
    {
        return ring.close(0);
    }

    @Test
    void submitPollAndCloseAreLinearizableAndObstructionFree()
    {
        LinChecker.check(SubmissionRingLincheckTest.class, new ModelCheckingOptions()
            .iterations(10)
            .invocationsPerIteration(500)
            .threads(3)
            .actorsPerThread(3)
            .checkObstructionFreedom(true)
            .minimizeFailedScenario(false)
            // Lincheck calls an invocation hung after a wall-clock timeout (10 s by default); on a loaded
            // 2-core machine a healthy invocation can take longer. The setter is Kotlin-internal, hence its name.
            .invocationTimeout$lincheck(60_000)
            .sequentialSpecification(Spec.class));
    }

    /** The sequential ring: ids from 1 in submit order, polled in order, none after close. */
    public static final class Spec
    {
        private final java.util.ArrayDeque<long[]> queue = new java.util.ArrayDeque<>();
        private long nextId = 1;
        private boolean closed;

        public long submit(final int amount)
        {
            if (closed)
            {
                return SubmissionRing.CLOSED;
            }
            queue.add(new long[] {nextId, amount});
            return nextId++;
        }

        public long poll()
        {
            final long[] op = queue.poll();
            return op == null ? -1 : op[0] * 1000 + op[1];
        }

        public boolean close()
        {
            closed = true;
            return true;
        }
    }

    /** The five fields tests look at, from a staged operation. */
    interface Fields
    {
        void accept(long txId, int type, long account, long toAccount, long amount);
    }

    static SubmissionRing.Sink sink(final Fields fields)
    {
        return (txId, data, at) -> fields.accept(txId, SubmissionRing.type(data[at + SubmissionRing.F_HEAD]),
            data[at + SubmissionRing.F_ACCOUNT], data[at + SubmissionRing.F_TO], data[at + SubmissionRing.F_AMOUNT]);
    }
}
