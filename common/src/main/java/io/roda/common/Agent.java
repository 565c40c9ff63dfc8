package io.roda.common;

/**
 * One stage's work loop, Agrona style: {@link #doWork()} never blocks and says how much it did, so an
 * {@link IdleStrategy} can decide how to wait when it did nothing. The same agents run one per pinned
 * thread in production ({@link AgentRunner}) or all on one thread in a deterministic test.
 */
public interface Agent
{
    /**
     * Does a bounded amount of work without blocking.
     *
     * @return the number of items handled; 0 means idle.
     * @throws Exception a failure that stops this agent; {@link #onError} is told first.
     */
    int doWork() throws Exception;

    /** @return the agent's name, used for its thread and in logs. */
    String roleName();

    /** Called once on the agent's thread before the first {@link #doWork()}. */
    default void onStart()
    {
    }

    /** Called once on the agent's thread after the last {@link #doWork()}, also after a failure. */
    default void onClose()
    {
    }

    /**
     * Called on the agent's thread when {@link #doWork()} throws; the agent then stops.
     *
     * @param error what went wrong.
     */
    default void onError(final Throwable error)
    {
    }
}
