package io.roda.store;

import java.util.concurrent.TimeUnit;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of the {@link SlotStore} seqlock: the owner writes a slot's two fields as a pair
 * {@code (k, -k)} between {@link SlotStore#beginWrite} and {@link SlotStore#endWrite}; readers on other
 * threads use {@link SlotStore#read} and {@link SlotStore#readLong}. Lincheck explores thread switches at every
 * access to the slot's words (sequence and fields are all {@link Memory} VarHandle calls) and checks each
 * history against {@link Spec}, a single register: a torn pair is returned as {@link #TORN}, which no
 * sequential history produces, and a read must return the value of a write that linearizes before it.
 *
 * <p>Obstruction freedom is not checked: a seqlock reader waits for the writer by design. Lincheck detects
 * the retry loop and switches to the writer.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class SlotStoreLincheckTest
{
    static final long TORN = Long.MIN_VALUE;

    private final SlotStore slots = new SlotStore("lincheck", 2, 1);
    private final int slot = slots.allocate();
    /** The owner's last written value; touched by the writer thread only. */
    private long written;

    /** The owner: writes the next pair (k, -k). */
    @Operation(nonParallelGroup = "writer")
    public long write()
    {
        final long k = ++written;
        slots.beginWrite(slot);
        slots.putLong(slot, 0, k);
        slots.putLong(slot, 1, -k);
        slots.endWrite(slot);
        return k;
    }

    /** A consistent copy of the whole slot: k when the pair is (k, -k), TORN otherwise. */
    @Operation
    public long read()
    {
        final long[] pair = new long[2];
        slots.read(slot, pair);
        return pair[1] == -pair[0] ? pair[0] : TORN;
    }

    /** A consistent read of the second field alone, negated back to k. */
    @Operation
    public long readLong()
    {
        return -slots.readLong(slot, 1);
    }

    @Test
    void readersNeverSeeATornSlot()
    {
        LinChecker.check(SlotStoreLincheckTest.class, new ModelCheckingOptions()
            .iterations(10)
            .invocationsPerIteration(200)
            .threads(3)
            .actorsPerThread(3)
            .minimizeFailedScenario(false)
            // Lincheck calls an invocation hung after a wall-clock timeout (10 s by default); on a loaded
            // 2-core machine a healthy invocation can take longer. The setter is Kotlin-internal, hence its name.
            .invocationTimeout$lincheck(60_000)
            .sequentialSpecification(Spec.class));
    }

    /** The sequential slot: a register holding the last written k (0 before any write). */
    public static final class Spec
    {
        private long value;

        public long write()
        {
            return ++value;
        }

        public long read()
        {
            return value;
        }

        public long readLong()
        {
            return value;
        }
    }
}
