package io.roda.sequencer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import io.roda.common.Parking;

/**
 * Multi-producer ingestion ring where <b>claiming a position and publishing into it are one CAS</b>,
 * and where no submitter can be stalled by another one's pause, at any instruction.
 *
 * <p>A submitter takes a free <i>lane</i> from a fixed pool (a small single-producer ring, held only for
 * the duration of one submit), writes its operation into the lane, then CASes the global cell of the
 * current tail position from {@code EMPTY(round)} to {@code FULL(round, lane, slot)}. The winner owns
 * the position, which is the transaction id, and then moves the tail on. The tail is only a hint:
 * anyone who finds the cell at the tail already claimed (FULL in the tail's round) or already consumed
 * (a later round) moves the tail on itself, so a winner paused between its cell CAS and its tail CAS,
 * or one that never returns, stalls nobody. The single consumer (the sequencer) reads positions in
 * order, copies the operation out of the lane, frees the lane slot and re-arms the cell for the next
 * round.
 *
 * <pre>
 *  cell (64 bits): round (40) | SEALED (1) | FULL (1) | lane (10) | lane slot (12)
 * </pre>
 *
 * <p>Why the claim is safe: rounds only grow, so a cell reads {@code EMPTY(r)} only while position
 * {@code r * capacity + index} is unclaimed; the tail passes a position only after its cell was claimed;
 * so a cell CAS can succeed only at the first unclaimed position. {@link #close} first marks the ring
 * closed (a submitter reads the mark right before its claiming CAS and gives up), then claims the first
 * unclaimed position with a SEALED marker, which nobody moves past: every id handed out is below it, with
 * no need to wait for submitters to leave. A submitter that read the mark just before it was set may still
 * win a position in between; the seal lands after it, so its id is counted.
 *
 * <p>Lanes are not tied to threads: any number of platform or virtual threads may submit. Each thread
 * starts its search at a lane chosen from its id, so with fewer threads than lanes every thread keeps
 * finding its own lane free. When more submits are in flight than there are lanes, the extra ones wait
 * (spin, yield, park) for a lane to come free: slower, still correct.
 *
 * <p>Back-pressure: a submitter waits (spin, yield, park) while its lane or the cell it needs is full.
 * Every wait checks {@link #isClosed()}, and gives up only while nothing has been claimed.
 */
public final class SubmissionRing
{
    /** Lanes in the pool: the most submits that can be in flight at once without waiting for a lane. */
    public static final int MAX_LANES = 1 << 10;
    /** Returned by {@link #submit} once the ring is closed. */
    public static final long CLOSED = -1;
    static final int LANE_SLOT_BITS = 12;
    static final int LANE_BITS = 10;
    static final int REF_BITS = LANE_BITS + LANE_SLOT_BITS;
    static final long FULL = 1L << REF_BITS;
    static final long SEALED = FULL << 1;
    static final int ROUND_SHIFT = REF_BITS + 2;
    static final int FIELDS = 4;

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle LANES = MethodHandles.arrayElementVarHandle(Lane[].class);

    private final long[] cells;
    private final int mask;
    private final int capacityShift;
    private final int laneCapacity;
    private final int laneMask;
    private final PaddedTail tail = new PaddedTail();
    private final Lane[] lanes;
    private long consumerPosition;
    private final long idBase;

    /**
     * @param capacity     positions in the global ring, a power of two.
     * @param laneCapacity operations one lane may hold before the sequencer copies them, a power of two
     *                     up to 4096.
     * @param idBase       the id of position 0 (1 for a new ledger, last id + 1 after recovery).
     */
    public SubmissionRing(final int capacity, final int laneCapacity, final long idBase)
    {
        this(capacity, laneCapacity, idBase, MAX_LANES);
    }

    /**
     * @param lanes lanes in the pool, a power of two in 1..{@link #MAX_LANES} (small pools are for tests).
     */
    SubmissionRing(final int capacity, final int laneCapacity, final long idBase, final int lanes)
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
        if (lanes < 1 || lanes > MAX_LANES || Integer.bitCount(lanes) != 1)
        {
            throw new IllegalArgumentException("lanes must be a power of two in 1.." + MAX_LANES + ", was " + lanes);
        }
        this.cells = new long[capacity];
        this.mask = capacity - 1;
        this.capacityShift = Integer.numberOfTrailingZeros(capacity);
        this.laneCapacity = laneCapacity;
        this.lanes = new Lane[lanes];
        this.laneMask = lanes - 1;
        this.idBase = idBase;
    }

    /**
     * Publishes one operation and returns its transaction id; waits while the ring is full.
     * Any thread. Allocation-free once the pool has a lane for every concurrent submitter.
     *
     * @return the transaction id assigned, or {@link #CLOSED} when the ring is closed (nothing published).
     */
    public long submit(final int type, final long account, final long toAccount, final long amount)
    {
        final Lane lane = acquireLane();
        if (lane == null)
        {
            return CLOSED;
        }
        try
        {
            final int slot = lane.stage(type, account, toAccount, amount, this);
            return slot < 0 ? CLOSED : claim(lane, slot);
        }
        finally
        {
            lane.release();
        }
    }

    private long claim(final Lane lane, final int slot)
    {
        final long ref = FULL | ((long)lane.id << LANE_SLOT_BITS) | slot;
        int idle = 0;
        while (true)
        {
            final long position = tail.get();
            final long round = position >>> capacityShift;
            final int index = (int)position & mask;
            final long cell = (long)CELLS.getVolatile(cells, index);
            final long cellRound = cell >>> ROUND_SHIFT;
            if (cell == round << ROUND_SHIFT)
            {
                if (tail.closed)
                {
                    return CLOSED; // refused before claiming: close() may not have managed to seal yet
                }
                if (CELLS.compareAndSet(cells, index, cell, cell | ref))
                {
                    tail.compareAndSet(position, position + 1);
                    lane.committed();
                    return idBase + position;
                }
            }
            else if (cellRound == round && (cell & SEALED) != 0)
            {
                return CLOSED;
            }
            else if (cellRound > round || (cellRound == round && (cell & FULL) != 0))
            {
                tail.compareAndSet(position, position + 1); // claimed or consumed already: the tail lags; move it
            }
            else
            {
                // the previous round's operation is not consumed yet: the ring is full
                if (tail.closed)
                {
                    return CLOSED; // nothing claimed: safe to give up
                }
                idle = backOff(idle);
            }
        }
    }

    /**
     * Refuses every later submit: claims the first unclaimed position with a SEALED marker, so that every
     * id ever returned is below it and {@link #lastAssignedId()} is final. Submits waiting for room give up
     * with {@link #CLOSED}. Idempotent. Never waits for a submitter; it waits only while the ring is full,
     * for the consumer to make room, and at most {@code timeoutNanos}.
     *
     * @param timeoutNanos how long to wait for room when the ring is full (0: one attempt).
     * @return true when the ring is sealed; false when it stayed full for the whole timeout (a dead consumer).
     */
    public boolean close(final long timeoutNanos)
    {
        tail.closed = true;
        final long start = System.nanoTime();
        int idle = 0;
        while (true)
        {
            final long position = tail.get();
            final long round = position >>> capacityShift;
            final int index = (int)position & mask;
            final long cell = (long)CELLS.getVolatile(cells, index);
            final long cellRound = cell >>> ROUND_SHIFT;
            if (cell == round << ROUND_SHIFT)
            {
                if (CELLS.compareAndSet(cells, index, cell, cell | SEALED))
                {
                    return true;
                }
            }
            else if (cellRound == round && (cell & SEALED) != 0)
            {
                return true;
            }
            else if (cellRound > round || (cellRound == round && (cell & FULL) != 0))
            {
                tail.compareAndSet(position, position + 1);
            }
            else
            {
                if (System.nanoTime() - start >= timeoutNanos)
                {
                    return false;
                }
                idle = backOff(idle);
            }
        }
    }

    /** @return true once {@link #close} has been called. */
    public boolean isClosed()
    {
        return tail.closed;
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
            Parking.parkNanos(10_000); // a real wait even for an interrupted submitter
        }
        return idle + 1;
    }

    /** @return a lane now held by the caller, or null when the ring closed while every lane was held. */
    private Lane acquireLane()
    {
        final int start = (int)((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> 40);
        int idle = 0;
        while (true)
        {
            for (int i = 0; i <= laneMask; i++)
            {
                final int index = (start + i) & laneMask;
                Lane lane = (Lane)LANES.getAcquire(lanes, index);
                if (lane == null)
                {
                    final Lane fresh = new Lane(index, laneCapacity); // born held
                    if (LANES.compareAndSet(lanes, index, null, fresh))
                    {
                        return fresh;
                    }
                    lane = (Lane)LANES.getAcquire(lanes, index);
                }
                if (lane.tryAcquire())
                {
                    return lane;
                }
            }
            if (tail.closed)
            {
                return null;
            }
            idle = backOff(idle);
        }
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
        final Lane lane = (Lane)LANES.getAcquire(lanes, (int)(cell >>> LANE_SLOT_BITS) & (MAX_LANES - 1));
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

    /**
     * @return the highest id handed out so far, or idBase - 1. Exact once sealed by {@link #close};
     *     before that it may trail a submit in flight by one.
     */
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

    /**
     * A single-producer staging ring. Its producer is whichever submitter holds it ({@link #tryAcquire}
     * to {@link #release}); the acquire CAS and the release store order one holder's writes before the
     * next holder's reads, so {@code tail} and {@code headCache} need no atomics of their own.
     */
    static final class Lane
    {
        private static final VarHandle HEAD;
        private static final VarHandle HELD;

        static
        {
            try
            {
                HEAD = MethodHandles.lookup().findVarHandle(Lane.class, "head", long.class);
                HELD = MethodHandles.lookup().findVarHandle(Lane.class, "held", int.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int id;
        final long[] data;
        final int slotMask;
        private int held = 1;       // 1 while a submitter holds the lane; a new lane is born held
        private long tail;          // holder only
        private long headCache;     // holder only: last head seen, so the consumer's line is rarely read
        private volatile long head; // freed by the consumer

        Lane(final int id, final int capacity)
        {
            this.id = id;
            this.data = new long[capacity * FIELDS];
            this.slotMask = capacity - 1;
        }

        boolean tryAcquire()
        {
            return (int)HELD.getOpaque(this) == 0 && HELD.compareAndSet(this, 0, 1);
        }

        void release()
        {
            HELD.setRelease(this, 0);
        }

        /** Holder: writes the operation into the next free slot, waiting for room. @return the slot, or -1 if closed. */
        int stage(final int type, final long account, final long toAccount, final long amount,
            final SubmissionRing ring)
        {
            int idle = 0;
            while (tail - headCache > slotMask)
            {
                headCache = (long)HEAD.getAcquire(this);
                if (tail - headCache <= slotMask)
                {
                    break;
                }
                if (ring.tail.closed)
                {
                    return -1;
                }
                idle = backOff(idle);
            }
            final int slot = (int)tail & slotMask;
            final int at = slot * FIELDS;
            data[at] = type;
            data[at + 1] = account;
            data[at + 2] = toAccount;
            data[at + 3] = amount;
            return slot;
        }

        /** Holder: the staged slot was published. */
        void committed()
        {
            tail++;
        }

        /** Consumer: the oldest published slot was copied out. */
        void free()
        {
            HEAD.setRelease(this, (long)HEAD.getOpaque(this) + 1);
        }
    }

    /**
     * The tail position and the closed flag, padded against false sharing with the cells array header and
     * with the consumer's fields. Every submitter reads {@code closed} right before its claiming CAS on the
     * tail's line, so the flag lives on that line, which the submitter has in its cache anyway.
     */
    static final class PaddedTail extends AtomicLong
    {
        private static final long serialVersionUID = 1L;
        volatile boolean closed;
        long p1, p2, p3, p4, p5, p6, p7;
    }
}
