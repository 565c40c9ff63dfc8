package io.roda.sequencer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

import io.roda.common.BackOff;

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
 *  cell (64 bits): round (39) | CHAIN (1) | SEALED (1) | FULL (1) | lane (10) | lane slot (12)
 * </pre>
 *
 * <p><b>Chains.</b> A linked chain of n operations needs n consecutive ids with nothing between them. Its
 * submitter stages the n operations in n consecutive slots of its lane, checks that the ring has room for
 * all n positions (the cell of the last one is armed for its round: positions are consumed in order), and
 * claims the first position with one CAS of a FULL | CHAIN cell; the chain's length sits in the lane slot.
 * Positions 2..n of the chain are claimed by that same CAS: their cells are never CASed. Every thread that
 * moves the tail past a CHAIN cell (the winner, a helper, close) moves it by the chain's length, and the
 * consumer, before it re-arms a chain's cells, moves the tail past the chain itself if nobody has yet, so
 * no thread can ever see the tail inside a chain, nor read the length of a recycled slot and act on it
 * (its tail CAS from the chain's position fails).
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
    static final long CHAIN = FULL << 2;
    static final int ROUND_SHIFT = REF_BITS + 3;
    /** Longs per staged operation: see {@link #pack}. */
    public static final int FIELDS = 6;
    /**
     * Field of a staged operation: type (8 bits) | flags (8 bits) << 8 | chain length (16 bits, the first member
     * of a chain only; 0 means 1) << 16 | timeout (32 bits) << 32.
     */
    public static final int F_HEAD = 0;
    /** Field: account, from account or hold id. */
    public static final int F_ACCOUNT = 1;
    /** Field: to account. */
    public static final int F_TO = 2;
    /** Field: amount. */
    public static final int F_AMOUNT = 3;
    /** Field: key high half. */
    public static final int F_KEY_HI = 4;
    /** Field: key low half. */
    public static final int F_KEY_LO = 5;
    private static final long LENGTH_MASK = 0xFFFFL << 16;
    /** Returned by {@link #trySubmit} when it would have to wait. */
    public static final long BUSY = -2;

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle LANES = MethodHandles.arrayElementVarHandle(Lane[].class);

    private final long[] cells;
    private final int mask;
    private final int capacityShift;
    private final int laneCapacity;
    private final int laneMask;
    private final PaddedTail tail = new PaddedTail();
    private final Lane[] lanes;
    private final ConsumerPosition consumer = new ConsumerPosition();
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

    /** @return the head field of a staged operation. */
    public static long pack(final int type, final int flags, final int timeout)
    {
        return (type & 0xFF) | (long)(flags & 0xFF) << 8 | (long)timeout << 32; // chain length 0
    }

    /** @return the chain length in a head field (0 for a single operation or a member other than the first). */
    static int lengthOf(final long head)
    {
        return (int)((head & LENGTH_MASK) >>> 16);
    }

    /** @return the type in a head field. */
    public static int type(final long head)
    {
        return (int)head & 0xFF;
    }

    /** @return the flags in a head field. */
    public static int flags(final long head)
    {
        return (int)(head >>> 8) & 0xFF;
    }

    /** @return the timeout in a head field. */
    public static int timeout(final long head)
    {
        return (int)(head >>> 32);
    }

    /**
     * Publishes one operation without flags, key or timeout; see {@link #submit(int, int, int, long, long, long,
     * long, long)}.
     */
    public long submit(final int type, final long account, final long toAccount, final long amount)
    {
        return submit(type, 0, 0, account, toAccount, amount, 0, 0);
    }

    /**
     * Publishes one operation and returns its transaction id; waits while the ring is full.
     * Any thread. Allocation-free once the pool has a lane for every concurrent submitter.
     *
     * @return the transaction id assigned, or {@link #CLOSED} when the ring is closed (nothing published).
     */
    public long submit(final int type, final int flags, final int timeout, final long account, final long toAccount,
        final long amount, final long keyHi, final long keyLo)
    {
        final Lane lane = acquireLane(true);
        if (lane == null)
        {
            return CLOSED;
        }
        try
        {
            final int slot = lane.stage(pack(type, flags, timeout), account, toAccount, amount, keyHi, keyLo, this);
            return slot < 0 ? CLOSED : claim(lane, slot, 1, true);
        }
        finally
        {
            lane.release();
        }
    }

    /**
     * Publishes one operation if that needs no waiting (a free lane, room in the ring), e.g. from a thread
     * that must never block on the ring it drains.
     *
     * @return the transaction id, {@link #BUSY} when it would have had to wait, or {@link #CLOSED}.
     */
    public long trySubmit(final int type, final long account, final long toAccount, final long amount)
    {
        final Lane lane = acquireLane(false);
        if (lane == null)
        {
            return tail.closed ? CLOSED : BUSY;
        }
        try
        {
            if (!lane.hasRoom(1))
            {
                return BUSY;
            }
            final int slot = lane.stage(pack(type, 0, 0), account, toAccount, amount, 0, 0, this);
            return slot < 0 ? CLOSED : claim(lane, slot, 1, false);
        }
        finally
        {
            lane.release();
        }
    }

    /**
     * Publishes a linked chain as one unit: its {@code count} operations get consecutive ids, with no other
     * operation between them. Waits while the ring is full.
     *
     * @param ops   {@code count} operations of {@link #FIELDS} longs each, from {@code ops[0]}.
     * @param count operations, 1..{@link #maxChain()}.
     * @return the id of the first operation, or {@link #CLOSED}.
     * @throws IllegalArgumentException when count is out of range.
     */
    public long submitChain(final long[] ops, final int count)
    {
        if (count < 1 || count > maxChain())
        {
            throw new IllegalArgumentException("a chain has 1.." + maxChain() + " operations, not " + count);
        }
        final Lane lane = acquireLane(true);
        if (lane == null)
        {
            return CLOSED;
        }
        try
        {
            final int slot = lane.stageAll(ops, count, this);
            return slot < 0 ? CLOSED : claim(lane, slot, count, true);
        }
        finally
        {
            lane.release();
        }
    }

    /** @return the most operations one chain may have: the lane size, and at most the ring's capacity. */
    public int maxChain()
    {
        return Math.min(laneCapacity, cells.length);
    }

    private long claim(final Lane lane, final int slot, final int count, final boolean wait)
    {
        final long ref = FULL | ((long)lane.id << LANE_SLOT_BITS) | slot | (count > 1 ? CHAIN : 0);
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
                if (count > 1 && !armed(position + count - 1))
                {
                    // the chain's last position still holds an unconsumed operation of the previous round
                    if (!wait)
                    {
                        return BUSY;
                    }
                    idle = backOff(idle);
                    continue;
                }
                if (CELLS.compareAndSet(cells, index, cell, cell | ref))
                {
                    tail.compareAndSet(position, position + count);
                    lane.committed(count);
                    return idBase + position;
                }
            }
            else if (cellRound == round && (cell & SEALED) != 0)
            {
                return CLOSED;
            }
            else if (cellRound == round && (cell & FULL) != 0)
            {
                tail.compareAndSet(position, position + lengthAt(cell)); // claimed already: the tail lags; move it
            }
            else if (cellRound > round)
            {
                // consumed already (a chain's consumer moved the tail past the chain before re-arming it)
                tail.compareAndSet(position, position + 1);
            }
            else
            {
                // the previous round's operation is not consumed yet: the ring is full
                if (tail.closed)
                {
                    return CLOSED; // nothing claimed: safe to give up
                }
                if (!wait)
                {
                    return BUSY;
                }
                idle = backOff(idle);
            }
        }
    }

    /** @return whether the cell of {@code position} is armed for its round (its previous use was consumed). */
    private boolean armed(final long position)
    {
        final long cell = (long)CELLS.getVolatile(cells, (int)position & mask);
        return cell >>> ROUND_SHIFT >= position >>> capacityShift;
    }

    /**
     * @return how many positions the FULL cell claims: 1, or a chain's length. A stale read (the chain was
     *     consumed and its lane slot reused) can return anything, but then the tail has moved on and the
     *     caller's CAS from the chain's position fails.
     */
    private long lengthAt(final long cell)
    {
        if ((cell & CHAIN) == 0)
        {
            return 1;
        }
        final Lane lane = (Lane)LANES.getAcquire(lanes, (int)(cell >>> LANE_SLOT_BITS) & (MAX_LANES - 1));
        final int slot = (int)cell & ((1 << LANE_SLOT_BITS) - 1);
        return Math.max(1, lengthOf(lane.data[slot * FIELDS + F_HEAD]));
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
            else if (cellRound == round && (cell & FULL) != 0)
            {
                tail.compareAndSet(position, position + lengthAt(cell));
            }
            else if (cellRound > round)
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
        return BackOff.SUBMITTER.idle(idle);
    }

    /**
     * @param wait whether to wait for a lane while all are held.
     * @return a lane now held by the caller, or null when the ring closed while every lane was held (or, not
     *     waiting, when none was free).
     */
    private Lane acquireLane(final boolean wait)
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
            if (tail.closed || !wait)
            {
                return null;
            }
            idle = backOff(idle);
        }
    }

    /**
     * Consumer only: the operation at the next position, or every member of the chain that starts there, if
     * published, is handed to {@code sink} in order.
     *
     * @return operations taken: 0 when none is published, else 1 or the chain's length.
     */
    public int poll(final Sink sink)
    {
        final long position = consumer.position;
        final int index = (int)position & mask;
        final long round = position >>> capacityShift;
        final long cell = (long)CELLS.getAcquire(cells, index);
        if ((cell & FULL) == 0 || (cell >>> ROUND_SHIFT) != round)
        {
            return 0;
        }
        final Lane lane = (Lane)LANES.getAcquire(lanes, (int)(cell >>> LANE_SLOT_BITS) & (MAX_LANES - 1));
        final int slot = (int)cell & ((1 << LANE_SLOT_BITS) - 1);
        final long[] data = lane.data;
        final int count = (cell & CHAIN) == 0 ? 1 : Math.max(1, lengthOf(data[slot * FIELDS + F_HEAD]));
        if (count > 1)
        {
            // nobody may see the tail inside the chain once its cells are re-armed
            tail.compareAndSet(position, position + count);
        }
        for (int i = 0; i < count; i++)
        {
            sink.accept(idBase + position + i, data, ((slot + i) & lane.slotMask) * FIELDS);
        }
        lane.free(count);
        for (int i = count - 1; i >= 0; i--)
        {
            final long p = position + i;
            CELLS.setRelease(cells, (int)p & mask, ((p >>> capacityShift) + 1) << ROUND_SHIFT);
        }
        consumer.position = position + count;
        return count;
    }

    /**
     * Consumer only: @return how many operations {@link #poll} would take now: 0 when the next position is
     *     not published, else 1 or the length of the chain that starts there.
     */
    public int nextCount()
    {
        final long position = consumer.position;
        final long cell = (long)CELLS.getAcquire(cells, (int)position & mask);
        if ((cell & FULL) == 0 || (cell >>> ROUND_SHIFT) != (position >>> capacityShift))
        {
            return 0;
        }
        return (cell & CHAIN) == 0 ? 1 : (int)lengthAt(cell);
    }

    /** Consumer only: @return true when the operation at the next position is published. */
    public boolean hasNext()
    {
        return nextCount() > 0;
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
        /**
         * Receives an operation and its id: {@link #FIELDS} longs from {@code data[at]} (valid only during the
         * call), read with {@link #type}, {@link #flags}, {@link #timeout} and the F_ offsets.
         */
        void accept(long txId, long[] data, int at);
    }

    /**
     * A single-producer staging ring. Its producer is whichever submitter holds it ({@link #tryAcquire}
     * to {@link #release}); the acquire CAS and the release store order one holder's writes before the
     * next holder's reads, so {@code tail} and {@code headCache} need no atomics of their own.
     */
    static final class Lane extends LaneRhsPadding
    {
        private static final VarHandle HEAD;
        private static final VarHandle HELD;

        static
        {
            try
            {
                HEAD = MethodHandles.lookup().findVarHandle(LaneHead.class, "head", long.class);
                HELD = MethodHandles.lookup().findVarHandle(LaneHolderFields.class, "held", int.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }

        Lane(final int id, final int capacity)
        {
            super(id, new long[capacity * FIELDS], capacity - 1);
        }

        boolean tryAcquire()
        {
            return (int)HELD.getOpaque(this) == 0 && HELD.compareAndSet(this, 0, 1);
        }

        void release()
        {
            HELD.setRelease(this, 0);
        }

        /** Holder: whether {@code count} slots are free now. */
        boolean hasRoom(final int count)
        {
            if (tail + count - 1 - headCache <= slotMask)
            {
                return true;
            }
            headCache = (long)HEAD.getAcquire(this);
            return tail + count - 1 - headCache <= slotMask;
        }

        /** Holder: waits until {@code count} slots are free. @return false when the ring closed meanwhile. */
        private boolean awaitRoom(final int count, final SubmissionRing ring)
        {
            int idle = 0;
            while (!hasRoom(count))
            {
                if (ring.tail.closed)
                {
                    return false;
                }
                idle = backOff(idle);
            }
            return true;
        }

        /** Holder: writes the operation into the next free slot, waiting for room. @return the slot, or -1 if closed. */
        int stage(final long head, final long account, final long toAccount, final long amount, final long keyHi,
            final long keyLo, final SubmissionRing ring)
        {
            if (!awaitRoom(1, ring))
            {
                return -1;
            }
            final int slot = (int)tail & slotMask;
            final int at = slot * FIELDS;
            data[at + F_HEAD] = head;
            data[at + F_ACCOUNT] = account;
            data[at + F_TO] = toAccount;
            data[at + F_AMOUNT] = amount;
            data[at + F_KEY_HI] = keyHi;
            data[at + F_KEY_LO] = keyLo;
            return slot;
        }

        /** Holder: writes {@code count} operations into consecutive slots. @return the first slot, or -1 if closed. */
        int stageAll(final long[] ops, final int count, final SubmissionRing ring)
        {
            if (!awaitRoom(count, ring))
            {
                return -1;
            }
            final int first = (int)tail & slotMask;
            for (int i = 0; i < count; i++)
            {
                final int at = ((first + i) & slotMask) * FIELDS;
                System.arraycopy(ops, i * FIELDS, data, at, FIELDS);
                data[at + F_HEAD] = (data[at + F_HEAD] & ~LENGTH_MASK) | (i == 0 ? (long)count << 16 : 0);
            }
            return first;
        }

        /** Holder: the staged slots were published. */
        void committed(final int count)
        {
            tail += count;
        }

        /** Consumer: the oldest {@code count} published slots were copied out. */
        void free(final int count)
        {
            HEAD.setRelease(this, (long)HEAD.getOpaque(this) + count);
        }
    }

    /**
     * The tail position and the closed flag, padded on both sides (Disruptor's {@code Sequence} layout) against
     * false sharing with whatever the allocator put around it. Every submitter reads {@code closed} right
     * before its claiming CAS on the tail's line, so the flag lives on that line, which the submitter has in
     * its cache anyway.
     */
    static final class PaddedTail extends TailRhsPadding
    {
        private static final VarHandle VALUE;

        static
        {
            try
            {
                VALUE = MethodHandles.lookup().findVarHandle(TailValue.class, "value", long.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Volatile load. */
        long get()
        {
            return (long)VALUE.getVolatile(this);
        }

        boolean compareAndSet(final long expected, final long value)
        {
            return VALUE.compareAndSet(this, expected, value);
        }
    }

    /**
     * The consumer's position, on cache lines of its own: the sequencer stores it on every poll, and the fields
     * of the ring itself ({@code cells}, {@code mask}, ...) that every submitter reads must not share its line.
     */
    static final class ConsumerPosition extends ConsumerRhsPadding
    {
    }
}

/**
 * A lane's holder-side fields. The consumer reads only {@code id}, {@code data} and {@code slotMask}, which never
 * change; {@code held}, {@code tail} and {@code headCache} are the holder's. The consumer's {@code head} is on
 * lines of its own below, so freeing slots never invalidates the line a submitter CASes to take the lane.
 */
abstract class LaneHolderFields
{
    protected long p1, p2, p3, p4, p5, p6, p7;
    final int id;
    final long[] data;
    final int slotMask;
    protected int held = 1;       // 1 while a submitter holds the lane; a new lane is born held
    protected long tail;          // holder only
    protected long headCache;     // holder only: last head seen, so the consumer's line is rarely read

    LaneHolderFields(final int id, final long[] data, final int slotMask)
    {
        this.id = id;
        this.data = data;
        this.slotMask = slotMask;
    }
}

abstract class LaneHeadPadding extends LaneHolderFields
{
    protected long p9, p10, p11, p12, p13, p14, p15;

    LaneHeadPadding(final int id, final long[] data, final int slotMask)
    {
        super(id, data, slotMask);
    }
}

abstract class LaneHead extends LaneHeadPadding
{
    protected volatile long head; // freed by the consumer

    LaneHead(final int id, final long[] data, final int slotMask)
    {
        super(id, data, slotMask);
    }
}

abstract class LaneRhsPadding extends LaneHead
{
    protected long p17, p18, p19, p20, p21, p22, p23;

    LaneRhsPadding(final int id, final long[] data, final int slotMask)
    {
        super(id, data, slotMask);
    }
}

abstract class TailLhsPadding
{
    protected long p1, p2, p3, p4, p5, p6, p7;
}

abstract class TailValue extends TailLhsPadding
{
    protected volatile long value;
    protected volatile boolean closed;
}

abstract class TailRhsPadding extends TailValue
{
    protected long p9, p10, p11, p12, p13, p14, p15;
}

abstract class ConsumerLhsPadding
{
    protected long p1, p2, p3, p4, p5, p6, p7;
}

abstract class ConsumerValue extends ConsumerLhsPadding
{
    protected long position; // consumer thread only
}

abstract class ConsumerRhsPadding extends ConsumerValue
{
    protected long p9, p10, p11, p12, p13, p14, p15;
}
