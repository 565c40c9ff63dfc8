package io.roda.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class StateImageLhsPadding
{
    protected long p1, p2, p3, p4, p5, p6, p7;
}

abstract class StateImageValue extends StateImageLhsPadding
{
    protected volatile long handoff;
}

abstract class StateImageRhsPadding extends StateImageValue
{
    protected long p9, p10, p11, p12, p13, p14, p15;
}

/**
 * The snapshotter's copy of the ledger state and the hand-off that keeps it exact without replaying anything.
 *
 * <p>The copy is owned by one thread at a time, and ownership moves with one volatile word:
 * <pre>
 *   IDLE ──(snapshotter: a snapshot is due; request())──▶ WANTED
 *   WANTED ──(transactor, between two batches: LedgerState.syncTo(image); synced(txId))──▶ txId (>= 0)
 *   txId ──(snapshotter: waits until txId is committed, writes the snapshot; release())──▶ IDLE
 * </pre>
 * While the word is IDLE or a transaction id, the snapshotter owns the copy; while it is WANTED, the transactor
 * does. Each change is a release store read with an acquire load, so the owner's writes to the copy happen
 * before the next owner's reads. The transactor syncs only between batches, never inside a chain, so the copy is
 * the exact state after transaction {@code txId}: a snapshot of it is taken at a transaction boundary, and
 * because it is written only once {@code txId} is committed it never contains a transaction that is not durable.
 * The sync copies only what changed since the last one ({@link LedgerState#syncTo}), so the transactor pays
 * per snapshot for the accounts touched (and the hold table or key window when they changed), never per
 * transaction.
 */
public final class StateImage extends StateImageRhsPadding
{
    /** The snapshotter owns the copy and wants nothing. */
    public static final long IDLE = -1;
    /** The snapshotter asked for a sync: the transactor owns the copy. */
    public static final long WANTED = -2;
    private static final VarHandle HANDOFF;

    static
    {
        try
        {
            HANDOFF = MethodHandles.lookup().findVarHandle(StateImageValue.class, "handoff", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LedgerState state;
    private final LedgerState copy;

    /**
     * Makes {@code copy} an exact copy of {@code state} ({@link LedgerState#beginImage}); call before the
     * pipeline starts, on the thread that then starts it.
     *
     * @param state the live state, which will sync into the copy.
     * @param copy  a new state with the same limits.
     */
    public StateImage(final LedgerState state, final LedgerState copy)
    {
        state.beginImage(copy);
        this.state = state;
        this.copy = copy;
        HANDOFF.setRelease(this, IDLE);
    }

    /** Acquire load. @return IDLE, WANTED, or the transaction the copy was synced at. */
    public long handoff()
    {
        return (long)HANDOFF.getAcquire(this);
    }

    /** @return the copy; touch it only while owning it (see the class comment). */
    public LedgerState copy()
    {
        return copy;
    }

    /**
     * Snapshotter, while IDLE: grows the copy's tables to the live ones' sizes on this thread (so the transactor's
     * sync copies without allocating), then asks the transactor to sync the copy.
     */
    public void request()
    {
        state.reserveImage(copy);
        HANDOFF.setRelease(this, WANTED);
    }

    /** Transactor, while WANTED, after {@link LedgerState#syncTo}: the copy is the state after {@code txId}. */
    public void synced(final long txId)
    {
        HANDOFF.setRelease(this, txId);
    }

    /** Snapshotter, done with a synced copy. */
    public void release()
    {
        HANDOFF.setRelease(this, IDLE);
    }
}
