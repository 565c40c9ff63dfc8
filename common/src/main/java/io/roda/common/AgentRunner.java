package io.roda.common;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import net.openhft.affinity.AffinityLock;

/**
 * Runs one {@link Agent} on its own long-lived thread: optionally pinned to a core with
 * Java-Thread-Affinity, falling back to an unpinned thread when no core is free (or affinity is not
 * supported here), and always reporting which CPU it got.
 */
public final class AgentRunner implements AutoCloseable
{
    /** Whether and how a stage thread is pinned. */
    public enum Pinning
    {
        /** Never pin. */
        NONE,
        /** Pin when a reservable core is free, else run unpinned. */
        BEST_EFFORT
    }

    /** How long {@link #close()} waits for the stage before interrupting it, and again after. */
    public static final long DEFAULT_CLOSE_TIMEOUT_NANOS = 10_000_000_000L;

    private final Agent agent;
    private final IdleStrategy idle;
    private final Pinning pinning;
    private final java.util.function.Consumer<Throwable> onFailure;
    private final Thread thread;
    private final Waker waker;
    private final StageCounters counters;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile int cpu = Integer.MIN_VALUE;

    /**
     * @param agent   the work.
     * @param idle    how to wait when idle; owned by this runner.
     * @param pinning whether to try to pin the thread.
     * @param onFailure told, on the agent's thread, when the agent fails and stops.
     * @param waker     producers of this agent's work wake it through this when it sleeps.
     * @param counters  the stage's counters, kept by this runner's loop (the agent may mark blocked loops).
     */
    public AgentRunner(final Agent agent, final IdleStrategy idle, final Pinning pinning,
        final java.util.function.Consumer<Throwable> onFailure, final Waker waker, final StageCounters counters)
    {
        this.waker = waker;
        this.counters = counters;
        this.agent = agent;
        this.idle = idle;
        this.pinning = pinning;
        this.onFailure = onFailure;
        this.thread = new Thread(new Launch(this), "roda-" + agent.roleName());
        this.thread.setDaemon(true);
        counters.bindThread(thread);
        waker.bind(thread, idle.mayPark());
    }

    /**
     * What the stage thread runs: it lets go of its runner when the thread ends. On JDK 19 and later a terminated
     * {@link Thread} still holds its task, and with assertions on ({@code -ea}) the Disruptor's producer-thread
     * check keeps every producer thread in a static map for the JVM's life; through a task that held the runner, a
     * closed ledger (its stores, results, and on a simulated disk every file) stayed reachable.
     */
    private static final class Launch implements Runnable
    {
        private volatile AgentRunner runner;

        Launch(final AgentRunner runner)
        {
            this.runner = runner;
        }

        @Override
        public void run()
        {
            final AgentRunner r = runner;
            try
            {
                r.run();
            }
            finally
            {
                runner = null;
            }
        }
    }

    /** Starts the thread; returns at once. */
    public AgentRunner start()
    {
        thread.start();
        return this;
    }

    private void run()
    {
        AffinityLock lock = null;
        try
        {
            if (pinning == Pinning.BEST_EFFORT)
            {
                lock = tryPin();
            }
            cpu = lock != null ? lock.cpuId() : -1;
            agent.onStart();
            long loopStart = System.nanoTime();
            while (running.get())
            {
                int work = agent.doWork();
                if (work == 0 && idle.willPark())
                {
                    waker.announceSleep();
                    work = agent.doWork(); // re-check after announcing sleep: no lost wake-up
                    if (work == 0)
                    {
                        idle.idle(0);
                    }
                    else
                    {
                        idle.reset();
                    }
                    waker.awake();
                }
                else
                {
                    idle.idle(work);
                }
                final long now = System.nanoTime(); // one clock read per loop: the loop's duration
                counters.onLoop(work, now - loopStart);
                loopStart = now;
            }
        }
        catch (final Throwable t)
        {
            failure.set(t);
            onFailure.accept(t); // first: the pipeline must learn of the failure whatever the agent does next
            try
            {
                agent.onError(t);
            }
            catch (final Throwable ignored)
            {
                // the first failure is the one that matters
            }
        }
        finally
        {
            try
            {
                agent.onClose();
            }
            finally
            {
                if (lock != null)
                {
                    lock.release();
                }
            }
        }
    }

    /**
     * Reserves a whole physical core ({@link AffinityLock#acquireCore()}: every hyperthread of it), so that two
     * busy stages never share one core's execution units. When no whole core is free the stage runs unpinned
     * rather than on a sibling of another stage's core.
     */
    private static AffinityLock tryPin()
    {
        try
        {
            final AffinityLock lock = AffinityLock.acquireCore();
            if (lock.isAllocated())
            {
                return lock;
            }
            lock.release();
        }
        catch (final Throwable unsupported)
        {
            // no affinity support on this OS/JVM: run unpinned
        }
        return null;
    }

    /** @return the CPU this stage is pinned to, -1 when unpinned, or MIN_VALUE before it started. */
    public int cpu()
    {
        return cpu;
    }

    /**
     * @return a description such as {@code transactor: cpu 3 (core 3)} (the physical core, whose every
     *     hyperthread the stage holds) or {@code wal: unpinned}.
     */
    public String placement()
    {
        final int c = cpu;
        return agent.roleName() + ": " + (c >= 0 ? "cpu " + c + core(c) : c == -1 ? "unpinned" : "not started");
    }

    private static String core(final int cpu)
    {
        try
        {
            return " (core " + AffinityLock.cpuLayout().coreId(cpu) + ")";
        }
        catch (final Throwable unknown)
        {
            return "";
        }
    }


    /** @return the failure that stopped the agent, or null. */
    public Throwable failure()
    {
        return failure.get();
    }

    /** @return true while the thread is alive. */
    public boolean isAlive()
    {
        return thread.isAlive();
    }

    /** @return the agent's name. */
    public String roleName()
    {
        return agent.roleName();
    }

    /**
     * Asks the agent to stop after its current {@code doWork()} and waits, at most {@code timeoutNanos},
     * for the thread to end; then interrupts it and waits as long again (Agrona's {@code AgentRunner}
     * does the same). A stage that is still alive after that is stuck in its {@code doWork()}: the
     * exception says so and carries the stage's stack, so a hang is reported instead of hanging its caller.
     *
     * @throws IllegalStateException naming the stage and showing where it was stuck.
     */
    public void close(final long timeoutNanos)
    {
        running.set(false);
        java.util.concurrent.locks.LockSupport.unpark(thread);
        boolean interrupted = join(timeoutNanos);
        if (thread.isAlive())
        {
            thread.interrupt();
            interrupted |= join(timeoutNanos);
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            final IllegalStateException stuck = new IllegalStateException("stage " + agent.roleName()
                + " did not stop within " + (2 * timeoutNanos / 1_000_000) + " ms (interrupted after "
                + (timeoutNanos / 1_000_000) + " ms); its stack is attached");
            stuck.setStackTrace(thread.getStackTrace());
            throw stuck;
        }
    }

    /** {@link #close(long)} with a 10 s bound. */
    @Override
    public void close()
    {
        close(DEFAULT_CLOSE_TIMEOUT_NANOS);
    }

    /** @return true when the calling thread was interrupted while waiting. */
    private boolean join(final long timeoutNanos)
    {
        final long start = System.nanoTime();
        boolean interrupted = false;
        long left;
        while (thread.isAlive() && (left = timeoutNanos - (System.nanoTime() - start)) > 0)
        {
            try
            {
                thread.join(Math.max(1, left / 1_000_000));
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        return interrupted;
    }
}
