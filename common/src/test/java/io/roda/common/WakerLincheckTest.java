package io.roda.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of the {@link Waker} sleep handshake: no lost wake-up. The consumer does what
 * {@link AgentRunner} does when its agent found nothing to do: {@link Waker#announceSleep()}, re-check for
 * work, and park only if there is still none. The producer publishes work, then calls {@link Waker#wake()}.
 * A wake-up is lost when the consumer decides to park and the producer, having published, does not see it
 * sleeping (so it would not unpark it): the consumer would then sleep with work waiting.
 *
 * <p>Lincheck explores every interleaving of the two at each shared-memory access; {@link #noLostWakeUp()}
 * runs after each one. Two things are modelled rather than real, and both are deliberate:
 * <ul>
 *   <li>The consumer does not park; its decision to park is recorded. Lincheck 2.39's model checker may wake a
 *       parked thread spuriously, which would hide exactly the lost wake-up this test looks for.</li>
 *   <li>What the producer saw is read from {@code Waker.sleeping} right after {@code wake()} returns, a
 *       stand-in for the read inside {@code wake()}, which returns nothing. With the producer's order right
 *       (publish, then wake) the two agree in every run in which the consumer parks: once it has decided to
 *       park the consumer leaves {@code sleeping} true, and it can only have announced before the producer
 *       published (else its re-check would have seen the work), hence before {@code wake()} read the flag.
 *       A variant that moves {@code wake()} must move this read with it.</li>
 * </ul>
 * Lincheck explores interleavings under sequential consistency, so this checks the protocol's logic (the order
 * of each side's store and load), not the fences: the fences are what makes the hardware keep that order
 * (see {@link Waker}'s javadoc), and removing one does not make this test fail.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class WakerLincheckTest
{
    private static final VarHandle SLEEPING;

    static
    {
        try
        {
            SLEEPING = MethodHandles.privateLookupIn(Waker.class, MethodHandles.lookup())
                .findVarHandle(Waker.class, "sleeping", boolean.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Waker waker = new Waker();
    /** The producer's published work (in the pipeline: a stage's index, released, read with acquire). */
    private volatile boolean workPublished;
    private volatile boolean consumerDecidedToPark;
    private volatile boolean producerDone;
    private volatile boolean producerSawSleeping;

    public WakerLincheckTest()
    {
        // No thread to unpark: wake() reads the flag all the same and skips only the unpark call itself.
        waker.bind(null, true);
    }

    /** The consumer's idle step, as in AgentRunner.run: announce, re-check, park only if still idle. */
    @Operation(runOnce = true)
    public void consumerIdles()
    {
        waker.announceSleep();
        if (workPublished)
        {
            waker.awake();
            return;
        }
        consumerDecidedToPark = true; // here AgentRunner parks; it stays sleeping until unparked
    }

    /** The producer: publish, then wake. */
    @Operation(runOnce = true)
    public void producerPublishesAndWakes()
    {
        workPublished = true;
        waker.wake();
        producerSawSleeping = (boolean)SLEEPING.getVolatile(waker);
        producerDone = true;
    }

    @Validate
    public void noLostWakeUp()
    {
        if (consumerDecidedToPark && producerDone && !producerSawSleeping)
        {
            throw new IllegalStateException("lost wake-up: the consumer parks with work published, "
                + "and the producer did not see it sleeping");
        }
    }

    @Test
    void aConsumerThatParksIsAlwaysSeenSleepingByTheProducer()
    {
        LinChecker.check(WakerLincheckTest.class, new ModelCheckingOptions()
            .iterations(4)
            .invocationsPerIteration(200)
            .threads(2)
            .actorsPerThread(1)
            .actorsBefore(0)
            .actorsAfter(0)
            .minimizeFailedScenario(false)
            // Lincheck calls an invocation hung after a wall-clock timeout (10 s by default); on a loaded
            // 2-core machine a healthy invocation can take longer. The setter is Kotlin-internal, hence its name.
            .invocationTimeout$lincheck(60_000));
    }
}
