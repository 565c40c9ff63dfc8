package io.roda.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The consumed idempotency keys of the most recent {@code window} keyed transactions that applied, each
 * with the transaction that consumed it and that transaction's fields (to tell a retry, DUPLICATE, from a
 * different operation under the same key, KEY_REUSED).
 *
 * <p>Entries live in a ring in consumption order ({@code 7} longs: key high, key low, tx id, type and
 * timeout, three operation fields); an open-addressing index (linear probing, backward-shift deletion)
 * maps a key to its ring position: each index slot holds the ring slot and the key's 32-bit hash, so probing
 * and deletion compare and re-home entries without touching the ring, and a lookup reads the ring only on a
 * hash match (one random memory access for a new key, not one per probe). The ring holds {@code window + slack} entries: a chain in progress may
 * consume up to {@code slack} keys beyond the window before {@link #trim} evicts the oldest, so rolling a
 * chain back ({@link #removeNewest}) never has to resurrect an evicted key. Arrays start small and double
 * up to their full size as keys arrive, so an idle window costs little memory.
 *
 * <p>Written by one thread. {@link #lookup} may run on any thread: the writer bumps a version around every
 * change (odd while changing) and readers retry until they read a stable, even version.
 */
public final class IdempotencyKeys
{
    /** Longs per ring entry. */
    static final int ENTRY = 7;
    private static final int HI = 0;
    private static final int LO = 1;
    private static final int TX = 2;
    private static final int TYPE_TIMEOUT = 3;
    private static final int F1 = 4;
    private static final int F2 = 5;
    private static final int F3 = 6;
    private static final int INITIAL = 1024;
    private static final VarHandle VERSION;

    static
    {
        try
        {
            VERSION = MethodHandles.lookup().findVarHandle(IdempotencyKeys.class, "version", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int window;
    private final int ringCapacity;
    private long[] ring;      // ENTRY longs per entry; entry i of the ring holds position p with p % ringCapacity == i
    private long[] index;     // (ring slot + 1) << 32 | key hash, or 0 when empty
    private int indexMask;
    private long first;       // oldest position still held
    private long next;        // next position to fill
    private volatile long version;
    private IdempotencyKeys copiedFrom; // the window copyFrom last copied: its positions match this one's
    private boolean indexStale;         // copyFrom copies the ring only: the owner rebuilds the index on first use

    /**
     * @param window keys remembered, at least 1.
     * @param slack  keys a chain in progress may consume beyond the window.
     */
    public IdempotencyKeys(final int window, final int slack)
    {
        if (window < 1)
        {
            throw new IllegalArgumentException("idempotency window must be >= 1, was " + window);
        }
        this.window = window;
        this.ringCapacity = Math.addExact(window, slack);
        final int initial = Math.min(INITIAL, ringCapacity);
        this.ring = new long[initial * ENTRY];
        this.index = new long[tableSize(initial)];
        this.indexMask = index.length - 1;
    }

    private static int tableSize(final int entries)
    {
        return Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
    }

    /** @return keys remembered at most, outside a chain. */
    public int window()
    {
        return window;
    }

    /** @return keys held now. */
    public int size()
    {
        return (int)(next - first);
    }

    /**
     * Owner thread: the ring slot of {@code key}, or -1 when it was not consumed (or has been forgotten).
     */
    public int find(final long hi, final long lo)
    {
        ensureIndex();
        final long[] index = this.index;
        final long[] ring = this.ring;
        final int mask = indexMask;
        final int h = hash(hi, lo);
        int i = h & mask;
        while (true)
        {
            final long e = index[i];
            if (e == 0)
            {
                return -1;
            }
            if ((int)e == h)
            {
                final int at = ((int)(e >>> 32) - 1) * ENTRY;
                if (ring[at + HI] == hi && ring[at + LO] == lo)
                {
                    return (int)(e >>> 32) - 1;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /** Owner thread: the transaction that consumed the key in ring slot {@code slot}. */
    public long txId(final int slot)
    {
        return ring[slot * ENTRY + TX];
    }

    /** Owner thread: whether the key in {@code slot} was consumed by an operation with exactly these fields. */
    public boolean sameFields(final int slot, final int type, final int timeout, final long f1, final long f2,
        final long f3)
    {
        final int at = slot * ENTRY;
        return ring[at + TYPE_TIMEOUT] == typeTimeout(type, timeout) && ring[at + F1] == f1 && ring[at + F2] == f2
            && ring[at + F3] == f3;
    }

    private static long typeTimeout(final int type, final int timeout)
    {
        return ((long)type << 32) | (timeout & 0xFFFF_FFFFL);
    }

    /**
     * Owner thread: records that transaction {@code txId} consumed the key. The key must not be held.
     *
     * @throws IllegalStateException when more than {@code window + slack} keys would be held.
     */
    public void consume(final long hi, final long lo, final long txId, final int type, final int timeout,
        final long f1, final long f2, final long f3)
    {
        if (next - first >= ringCapacity)
        {
            throw new IllegalStateException("idempotency window full: " + ringCapacity + " keys held");
        }
        ensureIndex();
        beginChange();
        if (next < ringCapacity && next * ENTRY >= ring.length)
        {
            grow();
        }
        final int slot = (int)(next % ringCapacity);
        final int at = slot * ENTRY;
        ring[at + HI] = hi;
        ring[at + LO] = lo;
        ring[at + TX] = txId;
        ring[at + TYPE_TIMEOUT] = typeTimeout(type, timeout);
        ring[at + F1] = f1;
        ring[at + F2] = f2;
        ring[at + F3] = f3;
        insert(slot, hash(hi, lo));
        next++;
        endChange();
    }

    private void grow()
    {
        final int entries = (int)Math.min((long)ring.length / ENTRY * 2, ringCapacity);
        ring = Arrays.copyOf(ring, entries * ENTRY);
        rebuildIndex();
    }

    /** Builds the index afresh, sized for the ring's array, from the keys held. */
    private void rebuildIndex()
    {
        index = new long[tableSize(ring.length / ENTRY)];
        indexMask = index.length - 1;
        for (long p = first; p < next; p++)
        {
            final int slot = (int)(p % ringCapacity);
            final int at = slot * ENTRY;
            insert(slot, hash(ring[at + HI], ring[at + LO]));
        }
    }

    private void insert(final int slot, final int h)
    {
        int i = h & indexMask;
        while (index[i] != 0)
        {
            i = (i + 1) & indexMask;
        }
        index[i] = ((long)(slot + 1) << 32) | (h & 0xFFFF_FFFFL);
    }

    /** Owner thread: forgets the most recently consumed key (rolling back a chain). */
    public void removeNewest()
    {
        if (next == first)
        {
            throw new IllegalStateException("no key to remove");
        }
        ensureIndex();
        beginChange();
        next--;
        remove((int)(next % ringCapacity));
        endChange();
    }

    /** Owner thread: forgets the oldest keys until at most {@code window} are held. */
    public void trim()
    {
        if (next - first <= window)
        {
            return;
        }
        ensureIndex();
        beginChange();
        while (next - first > window)
        {
            remove((int)(first % ringCapacity));
            first++;
        }
        endChange();
    }

    private void remove(final int slot)
    {
        final int at = slot * ENTRY;
        int i = hash(ring[at + HI], ring[at + LO]) & indexMask;
        while ((int)(index[i] >>> 32) != slot + 1)
        {
            i = (i + 1) & indexMask;
        }
        // backward-shift deletion: move later members of the probe run into the hole where they belong
        int hole = i;
        int j = (hole + 1) & indexMask;
        while (index[j] != 0)
        {
            final int home = (int)index[j] & indexMask;
            if (((j - home) & indexMask) >= ((j - hole) & indexMask))
            {
                index[hole] = index[j];
                hole = j;
            }
            j = (j + 1) & indexMask;
        }
        index[hole] = 0;
    }

    private void beginChange()
    {
        VERSION.setRelease(this, version + 1);
        VarHandle.storeStoreFence();
    }

    private void endChange()
    {
        VERSION.setRelease(this, version + 1);
    }

    /** @return the change version: it moves on every change, so equal versions mean equal contents. */
    public long changeVersion()
    {
        return version;
    }

    /**
     * Makes this window an exact copy of {@code other} (same window): copies the ring entries this copy does not
     * hold yet (all of them the first time, or when the ring wrapped past this copy). The index is not
     * copied: the snapshotter's copy only ever writes its keys out, in order; should the copy be used as a live
     * window, its owner rebuilds the index from the ring on first use. Owner of both; neither may be inside a
     * chain.
     *
     * @throws IllegalArgumentException when the windows differ.
     */
    public void copyFrom(final IdempotencyKeys other)
    {
        if (other.window != window || other.ringCapacity != ringCapacity)
        {
            throw new IllegalArgumentException("cannot copy an idempotency window of " + other.window + " into one of "
                + window);
        }
        beginChange();
        long from = Math.max(other.first, next);
        // grow as the original grew: a position's slot is its number modulo the ring's capacity whatever the
        // array's length, so the entries held stay valid
        reserve(other.ring.length);
        if (copiedFrom != other || next > other.next || other.next - from > ringCapacity)
        {
            from = other.first;
        }
        for (long p = from; p < other.next; p++)
        {
            final int at = (int)(p % ringCapacity) * ENTRY;
            System.arraycopy(other.ring, at, ring, at, ENTRY);
        }
        first = other.first;
        next = other.next;
        copiedFrom = other;
        indexStale = true; // a snapshot reads the ring alone; the index is rebuilt only if this copy is ever used
        endChange();
    }

    /** Any thread, racy: the ring array's length, a hint for {@link #reserve} (a stale one is harmless). */
    int ringLength()
    {
        return ring.length;
    }

    /**
     * Owner of this copy: grows its ring array to at least {@code length} longs (at most the whole ring), keeping
     * what it holds, so that a later {@link #copyFrom} into it need not allocate. Its index is then rebuilt on
     * first use, sized for the new ring.
     */
    void reserve(final int length)
    {
        final int size = Math.min(length, ringCapacity * ENTRY);
        if (size <= ring.length)
        {
            return;
        }
        beginChange();
        ring = Arrays.copyOf(ring, size);
        indexStale = true;
        endChange();
    }

    /** Owner thread: rebuilds the index from the ring after {@link #copyFrom}. */
    private void ensureIndex()
    {
        if (indexStale)
        {
            rebuildIndex();
            indexStale = false;
        }
    }

    /**
     * Any thread: the transaction that consumed {@code key}, or 0 when it is not remembered. Retries while
     * the owner changes the table.
     */
    public long lookup(final long hi, final long lo)
    {
        while (true)
        {
            final long before = (long)VERSION.getAcquire(this);
            if ((before & 1) == 0)
            {
                long txId = 0;
                try
                {
                    final int slot = findRacy(hi, lo);
                    txId = slot < 0 ? 0 : ring[slot * ENTRY + TX];
                }
                catch (final ArrayIndexOutOfBoundsException torn)
                {
                    txId = -1; // read arrays of two sizes mid-growth: the version check below retries
                }
                VarHandle.loadLoadFence();
                if ((long)VERSION.getAcquire(this) == before && txId >= 0)
                {
                    return txId;
                }
            }
            Thread.onSpinWait();
        }
    }

    private int findRacy(final long hi, final long lo)
    {
        if (indexStale)
        {
            throw new IllegalStateException("this copy's key index is built by its owner on first use");
        }
        final long[] index = this.index;
        final long[] ring = this.ring;
        final int mask = index.length - 1;
        final int h = hash(hi, lo);
        int i = h & mask;
        for (int probes = 0; probes <= mask; probes++)
        {
            final long e = index[i];
            if (e == 0)
            {
                return -1;
            }
            final int at = ((int)(e >>> 32) - 1) * ENTRY;
            if ((int)e == h && at + ENTRY <= ring.length && ring[at + HI] == hi && ring[at + LO] == lo)
            {
                return (int)(e >>> 32) - 1;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Owner thread: visits every held key, oldest first. */
    public void forEach(final KeyVisitor visitor)
    {
        for (long p = first; p < next; p++)
        {
            final int at = (int)(p % ringCapacity) * ENTRY;
            final long tt = ring[at + TYPE_TIMEOUT];
            visitor.visit(ring[at + HI], ring[at + LO], ring[at + TX], (int)(tt >>> 32), (int)tt, ring[at + F1],
                ring[at + F2], ring[at + F3]);
        }
    }

    /** Owner thread: an order-independent hash of the held keys and what consumed them. */
    public long contentHash()
    {
        long h = 0;
        for (long p = first; p < next; p++)
        {
            final int at = (int)(p % ringCapacity) * ENTRY;
            long e = 0;
            for (int f = 0; f < ENTRY; f++)
            {
                e = LedgerState.mix(e * 31 + ring[at + f]);
            }
            h += e;
        }
        return h;
    }

    static int hash(final long hi, final long lo)
    {
        final long h = LedgerState.mix(hi * 0x9E3779B97F4A7C15L ^ lo);
        return (int)(h ^ (h >>> 32));
    }

    /** Receives one key of {@link #forEach}. */
    @FunctionalInterface
    public interface KeyVisitor
    {
        /** One remembered key and the operation that consumed it. */
        void visit(long hi, long lo, long txId, int type, int timeout, long f1, long f2, long f3);
    }
}
