package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.Level;
import io.roda.sequencer.SubmissionRing;

/**
 * Regression of issue 8, defect 4: more than 1,024 live submitting threads got {@code IllegalStateException}.
 * Lanes are now a pool held only during a submit, so any number of threads may submit; when more submits
 * are in flight than there are lanes, the extra ones wait for a lane.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManySubmittersRegressionTest
{
    private static final int THREADS = SubmissionRing.MAX_LANES + 76; // 1,100, all alive at once

    @TempDir
    Path dir;

    @Test
    void moreLivePlatformThreadsThanLanesAllSubmit() throws Exception
    {
        check(Thread::new);
    }

    @Test
    void virtualThreadsSubmit() throws Exception
    {
        final java.lang.reflect.Method ofVirtual;
        try
        {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        }
        catch (final NoSuchMethodException e)
        {
            Assumptions.abort("virtual threads need JDK 21+; this is " + Runtime.version());
            return;
        }
        final Object builder = ofVirtual.invoke(null);
        // through the public interface Thread.Builder: the builder's own class is internal to java.base
        final java.lang.reflect.Method unstarted = Class.forName("java.lang.Thread$Builder")
            .getMethod("unstarted", Runnable.class);
        check(task ->
        {
            try
            {
                return (Thread)unstarted.invoke(builder, task);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new IllegalStateException(e);
            }
        });
    }

    private void check(final java.util.function.Function<Runnable, Thread> threads) throws Exception
    {
        try (Ledger ledger = Ledger.open(dir))
        {
            ledger.openAccount(1);
            final CountDownLatch allAlive = new CountDownLatch(THREADS);
            final CountDownLatch allSubmitted = new CountDownLatch(THREADS);
            final AtomicReference<Throwable> error = new AtomicReference<>();
            final long[] ids = new long[THREADS];
            final Thread[] started = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++)
            {
                final int me = t;
                started[t] = threads.apply(() ->
                {
                    try
                    {
                        allAlive.countDown();
                        allAlive.await();
                        ids[me] = ledger.deposit(1, 1);
                        allSubmitted.countDown();
                        allSubmitted.await(); // stay alive until every thread has submitted
                    }
                    catch (final Throwable e)
                    {
                        error.compareAndSet(null, e);
                        allSubmitted.countDown();
                    }
                });
                started[t].start();
            }
            for (final Thread t : started)
            {
                t.join();
            }
            assertEquals(null, error.get(), "no submitter got an exception");
            final long last = java.util.Arrays.stream(ids).max().orElseThrow();
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(60)));
            assertEquals(THREADS, java.util.Arrays.stream(ids).distinct().count(), "every thread got its own id");
            assertEquals(THREADS, ledger.balance(1).orElseThrow().balance());
        }
    }
}
