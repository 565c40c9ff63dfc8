package io.roda.sequencer;

import java.util.concurrent.TimeUnit;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link SubmissionRing}: Lincheck runs small concurrent scenarios of submits, chain
 * submits (a chain's members must get consecutive ids with nothing between them, and be polled together),
 * polls and a close, and explores thread switches at every shared-memory access (a paused winner between its
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

    @Operation
    public long submitChainOfTwo()
    {
        return ring.submitChain(chain(2), 2);
    }

    @Operation
    public long submitChainOfThree()
    {
        return ring.submitChain(chain(3), 3);
    }

    private static long[] chain(final int n)
    {
        final long[] ops = new long[n * SubmissionRing.FIELDS];
        for (int i = 0; i < n; i++)
        {
            ops[i * SubmissionRing.FIELDS + SubmissionRing.F_HEAD] = SubmissionRing.pack(3, i < n - 1 ? 1 : 0, 0);
            ops[i * SubmissionRing.FIELDS + SubmissionRing.F_AMOUNT] = 500 + i;
        }
        return ops;
    }

    /** A single operation polls as {@code id * 1000 + amount}; a chain as {@code firstId * 1000 + 500 + count}. */
    @Operation(nonParallelGroup = "consumer")
    public long poll()
    {
        final long[] taken = {-1, 0, 0};
        final int count = ring.poll(sink((txId, type, account, toAccount, amount) ->
        {
            if (taken[2] == 0)
            {
                taken[0] = txId;
                taken[1] = amount;
            }
            else if (txId != taken[0] + taken[2] || amount != 500 + taken[2])
            {
                taken[1] = Long.MIN_VALUE / 2; // members out of order or torn: never matches the spec
            }
            taken[2]++;
        }));
        if (count == 0)
        {
            return -1;
        }
        if (count != taken[2])
        {
            return Long.MIN_VALUE;
        }
        return count == 1 ? taken[0] * 1000 + taken[1] : taken[0] * 1000 + (taken[1] == 500 ? 500 + count : taken[1]);
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

        public long submitChainOfTwo()
        {
            return chain(2);
        }

        public long submitChainOfThree()
        {
            return chain(3);
        }

        private long chain(final int n)
        {
            if (closed)
            {
                return SubmissionRing.CLOSED;
            }
            queue.add(new long[] {nextId, 500 + n});
            final long first = nextId;
            nextId += n;
            return first;
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
