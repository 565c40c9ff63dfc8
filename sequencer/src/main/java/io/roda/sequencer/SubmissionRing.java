package io.roda.sequencer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Multi-producer ingestion ring where <b>claiming a position and publishing into it are one CAS</b>,
 * so a submitting thread paused at any instruction can never leave a claimed-but-unpublished slot that
 * stalls everyone else (the weak point of a Disruptor multi-producer ring, and of Roda-Ledger).
 *
 * <p>A submitter first writes its operation into its own single-producer <i>lane</i> (a small ring
 * owned by that thread), then CASes the global cell of the current tail position from
 * {@code EMPTY(round)} to {@code FULL(round, lane, slot)}. The winner owns the position, which is the
 * transaction id; anyone who sees a FULL cell at the tail helps advance the tail. The single consumer
 * (the sequencer) reads positions in order, copies the operation out of the lane, frees the lane slot
 * and re-arms the cell for the next round.
 *
 * <pre>
 *  cell (64 bits): round (41) | FULL (1) | lane (10) | lane slot (12)
 * </pre>
 *
 * Back-pressure: a submitter waits (spin, yield, park) while its lane or the cell it needs is full.
 */
public final class SubmissionRing
{
    /** Most submitting threads that can hold a lane at once. */
    public static final int MAX_LANES = 1 << 10;
    /** Returned by {@link #submit} once the ring is closed. */
    public static final long CLOSED = -1;
    static final int LANE_SLOT_BITS = 12;
    static final int REF_BITS = 22;
    static final long FULL = 1L << REF_BITS;
    static final int ROUND_SHIFT = REF_BITS + 1;
    static final int FIELDS = 4;

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells;
    private final int mask;
    private final int capacityShift;
    private final int laneCapacity;
    private final PaddedTail tail = new PaddedTail();
    private final Lane[] lanes = new Lane[MAX_LANES];
    private final ThreadLocal<Lane> laneOfThread = new ThreadLocal<>();
    private long consumerPosition;
    private final long idBase;
    private volatile boolean closed;

    /**
     * @param capacity     positions in the global ring, a power of two.
     * @param laneCapacity operations one submitter may have in flight before the sequencer copies them,
     *                     a power of two up to 4096.
     * @param idBase       the id of position 0 (1 for a new ledger, last id + 1 after recovery).
     */
    public SubmissionRing(final int capacity, final int laneCapacity, final long idBase)
    {
        if (capacity < 2 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 2, was " + capacity);
        }
        if (laneCapacity < 1 || laneCapacity > (1 << LANE_SLOT_BITS) || Integer.bitCount(laneCapacity) != 1)
        {
            throw new IllegalArgumentException("lane capacity must be a power of two in 1..4096, was " + laneCapacity);
        }
        if (idBase < 1)
        {
            throw new IllegalArgumentException("idBase must be >= 1, was " + idBase);
        }
        this.cells = new long[capacity];
        this.mask = capacity - 1;
        this.capacityShift = Integer.numberOfTrailingZeros(capacity);
        this.laneCapacity = laneCapacity;
        this.idBase = idBase;
    }

    /**
     * Publishes one operation and returns its transaction id; waits while the ring is full.
     * Any thread. Allocation-free after the calling thread's first submit.
     *
     * @return the transaction id assigned, or {@link #CLOSED} when the ring is closed (nothing published).
     */
    public long submit(final int type, final long account, final long toAccount, final long amount)
    {
        final Lane lane = lane();
        lane.busy = true; // volatile store then volatile load: close() either sees us busy or we see closed
        if (closed)
        {
            lane.busy = false;
            return CLOSED;
        }
        try
        {
            return publish(lane, type, account, toAccount, amount);
        }
        finally
        {
            lane.busy = false;
        }
    }

    /**
     * Refuses every later submit and waits until no submit is half-way, so that every id ever returned
     * is in the ring.
     */
    public synchronized void close()
    {
        closed = true;
        for (final Lane lane : lanes)
        {
            while (lane != null && lane.busy)
            {
                Thread.onSpinWait();
            }
        }
    }

    /** @return true once {@link #close()} has been called. */
    public boolean isClosed()
    {
        return closed;
    }

    private long publish(final Lane lane, final int type, final long account, final long toAccount, final long amount)
    {
        final int slot = lane.write(type, account, toAccount, amount, this);
        if (slot < 0)
        {
            return CLOSED;
        }
        final long ref = ((long)lane.id << LANE_SLOT_BITS) | slot;
        int idle = 0;
        while (true)
        {
            final long position = tail.get();
            final int index = (int)position & mask;
            final long round = position >>> capacityShift;
            final long empty = round << ROUND_SHIFT;
            final long cell = (long)CELLS.getAcquire(cells, index);
            if (cell == empty)
            {
                if (CELLS.compareAndSet(cells, index, empty, empty | FULL | ref))
                {
                    tail.compareAndSet(position, position + 1);
                    lane.committed();
                    return idBase + position;
                }
            }
            else if ((cell >>> ROUND_SHIFT) == round && (cell & FULL) != 0)
            {
                tail.compareAndSet(position, position + 1); // help a paused winner
            }
            else if ((cell >>> ROUND_SHIFT) < round)
            {
                if (closed)
                {
                    return CLOSED; // nothing claimed yet: safe to give up
                }
                idle = backOff(idle); // the cell still holds an unconsumed operation of the previous round
            }
            // else our view of the tail is stale: reload
        }
    }

    private static int backOff(final int idle)
    {
        if (idle < 64)
        {
            Thread.onSpinWait();
        }
        else if (idle < 128)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(10_000);
        }
        return idle + 1;
    }

    private Lane lane()
    {
        Lane lane = laneOfThread.get();
        if (lane == null)
        {
            lane = acquireLane();
            laneOfThread.set(lane);
        }
        return lane;
    }

    private synchronized Lane acquireLane()
    {
        final Thread me = Thread.currentThread();
        for (int i = 0; i < MAX_LANES; i++)
        {
            final Lane existing = lanes[i];
            if (existing == null)
            {
                final Lane lane = new Lane(i, laneCapacity, me);
                lanes[i] = lane;
                return lane;
            }
            if (!existing.owner.isAlive() && existing.isDrained())
            {
                existing.owner = me; // reuse the lane of a thread that has ended
                return existing;
            }
        }
        throw new IllegalStateException("more than " + MAX_LANES + " live submitting threads");
    }

    /**
     * Consumer only: the operation at the next position, if published, is copied into {@code sink}.
     *
     * @return true when an operation was taken.
     */
    public boolean poll(final Sink sink)
    {
        final long position = consumerPosition;
        final int index = (int)position & mask;
        final long round = position >>> capacityShift;
        final long cell = (long)CELLS.getAcquire(cells, index);
        if ((cell & FULL) == 0 || (cell >>> ROUND_SHIFT) != round)
        {
            return false;
        }
        final Lane lane = lanes[(int)(cell >>> LANE_SLOT_BITS) & (MAX_LANES - 1)];
        final int slot = (int)cell & ((1 << LANE_SLOT_BITS) - 1);
        final long[] data = lane.data;
        final int at = slot * FIELDS;
        sink.accept(idBase + position, (int)data[at], data[at + 1], data[at + 2], data[at + 3]);
        lane.free();
        CELLS.setRelease(cells, index, (round + 1) << ROUND_SHIFT);
        consumerPosition = position + 1;
        return true;
    }

    /** Consumer only: @return true when the operation at the next position is published. */
    public boolean hasNext()
    {
        final long position = consumerPosition;
        final long cell = (long)CELLS.getAcquire(cells, (int)position & mask);
        return (cell & FULL) != 0 && (cell >>> ROUND_SHIFT) == (position >>> capacityShift);
    }

    /** @return the id the next published operation will get (approximate under contention). */
    public long nextId()
    {
        return idBase + tail.get();
    }

    /** @return the highest id handed out so far, or idBase - 1. Exact once submitters are quiet. */
    public long lastAssignedId()
    {
        return idBase + tail.get() - 1;
    }

    /** Receives one operation taken by {@link #poll}. */
    @FunctionalInterface
    public interface Sink
    {
        /** Receives the operation and its id. */
        void accept(long txId, int type, long account, long toAccount, long amount);
    }

    /** One submitter's single-producer staging ring. */
    static final class Lane
    {
        private static final VarHandle HEAD;

        static
        {
            try
            {
                HEAD = MethodHandles.lookup().findVarHandle(Lane.class, "head", long.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int id;
        final long[] data;
        final int laneMask;
        volatile Thread owner;
        volatile boolean busy;
        private long tail;          // owner thread only
        private long headCache;     // owner thread only: last head seen, so the consumer's line is rarely read
        private volatile long head; // freed by the consumer

        Lane(final int id, final int capacity, final Thread owner)
        {
            this.id = id;
            this.data = new long[capacity * FIELDS];
            this.laneMask = capacity - 1;
            this.owner = owner;
        }

        int write(final int type, final long account, final long toAccount, final long amount,
            final SubmissionRing ring)
        {
            int idle = 0;
            while (tail - headCache > laneMask)
            {
                headCache = (long)HEAD.getAcquire(this);
                if (tail - headCache <= laneMask)
                {
                    break;
                }
                if (ring.closed)
                {
                    return -1;
                }
                idle = backOff(idle);
            }
            final int slot = (int)tail & laneMask;
            final int at = slot * FIELDS;
            data[at] = type;
            data[at + 1] = account;
            data[at + 2] = toAccount;
            data[at + 3] = amount;
            return slot;
        }

        void committed()
        {
            tail++;
        }

        void free()
        {
            HEAD.setRelease(this, (long)HEAD.getOpaque(this) + 1);
        }

        boolean isDrained()
        {
            return (long)HEAD.getAcquire(this) == tail;
        }
    }

    /** The tail position, padded against false sharing with the cells array header. */
    static final class PaddedTail extends AtomicLong
    {
        private static final long serialVersionUID = 1L;
        long p1, p2, p3, p4, p5, p6, p7;
    }
}
