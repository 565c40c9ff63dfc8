package io.roda.core;

import java.util.Arrays;

/**
 * The holds (pending transfers) the ledger remembers: every active hold, and the most recently finished
 * ones (posted, voided or expired), so that a second post or void of a finished hold reports how it
 * finished. Owner thread only.
 *
 * <p>Entries live in parallel arrays indexed by an entry number, recycled through a free list; an
 * open-addressing index (linear probing, backward-shift deletion) maps a hold's transaction id to its entry.
 * Active holds with a timeout sit in an indexed binary min-heap ordered by (expiry, id), so the next hold to
 * expire is found in O(1) and a post or void removes its hold in O(log n). Finished holds queue in a FIFO;
 * {@link #trim} forgets the oldest of them while more than {@code capacity} holds are held. The arrays may
 * hold {@code capacity + slack} entries so that a chain in progress never has to forget one it might need
 * to bring back on rollback. Arrays start small and double as holds arrive.
 */
public final class Holds
{
    /** Status of an active hold. */
    public static final byte ACTIVE = 1;
    /** Status of a posted hold. */
    public static final byte POSTED = 2;
    /** Status of a voided hold. */
    public static final byte VOIDED = 3;
    /** Status of an expired hold. */
    public static final byte EXPIRED = 4;
    private static final int INITIAL = 256;

    private final int capacity;
    private final int maxEntries;
    private long[] id = new long[0];
    private long[] from = new long[0];
    private long[] to = new long[0];
    private long[] amount = new long[0];
    private long[] expiresAt = new long[0];
    private byte[] status = new byte[0];
    private int[] heapPos = new int[0];
    private int[] freeList = new int[0];
    private int freeCount;
    private int entries;                 // entries ever handed out (<= arrays' length)
    private int[] index = new int[2];
    private int indexMask = 1;
    private int[] heap = new int[0];
    private int heapSize;
    private int[] finished = new int[0]; // FIFO ring of finished entries
    private long finishedFirst;
    private long finishedNext;
    private int active;
    private long changes;                // mutations so far: a copy is up to date while this has not moved
    private byte[] changedMark;          // trackChanges(): entry -> 1 when changed since the last copyChangesTo
    private int[] changedList = new int[0];
    private int changedCount;
    private boolean structureStale;      // a copy: index, heap and heap positions are rebuilt on first use
    private Holds copiedFrom;            // the table copyChangesTo last copied into this one

    /**
     * @param capacity holds remembered (active and finished) outside a chain, at least 1.
     * @param slack    holds a chain in progress may add beyond it.
     */
    public Holds(final int capacity, final int slack)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("maxHolds must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.maxEntries = Math.addExact(capacity, slack);
        resize(Math.min(INITIAL, maxEntries));
    }

    /** Grows (or shrinks) the per-entry arrays to {@code size}, keeping what they hold. */
    private void resizeEntries(final int size)
    {
        if (changedMark != null)
        {
            changedMark = Arrays.copyOf(changedMark, size);
            changedList = Arrays.copyOf(changedList, size);
        }
        id = Arrays.copyOf(id, size);
        from = Arrays.copyOf(from, size);
        to = Arrays.copyOf(to, size);
        amount = Arrays.copyOf(amount, size);
        expiresAt = Arrays.copyOf(expiresAt, size);
        status = Arrays.copyOf(status, size);
        heapPos = Arrays.copyOf(heapPos, size);
        freeList = Arrays.copyOf(freeList, size);
        heap = Arrays.copyOf(heap, size);
    }

    private void resize(final int size)
    {
        resizeEntries(size);
        final int[] oldFinished = finished;
        finished = new int[size];
        for (long p = finishedFirst; p < finishedNext; p++)
        {
            finished[(int)(p % size)] = oldFinished[(int)(p % oldFinished.length)];
        }
        rebuildIndex();
    }

    /** Builds the index afresh, sized for the entry arrays, from the holds remembered. */
    private void rebuildIndex()
    {
        index = new int[Integer.highestOneBit(Math.max(2, id.length) * 2 - 1) << 1];
        indexMask = index.length - 1;
        for (int e = 0; e < entries; e++)
        {
            if (status[e] != 0)
            {
                insertIndex(e);
            }
        }
    }

    /** @return the most holds remembered outside a chain. */
    public int capacity()
    {
        return capacity;
    }

    /** @return holds held now, active and finished. */
    public int size()
    {
        return active + (int)(finishedNext - finishedFirst);
    }

    /** @return active holds. */
    public int activeCount()
    {
        return active;
    }

    /** @return the entry of the hold made by {@code txId}, or -1. */
    public int find(final long txId)
    {
        ensureStructure();
        int i = hash(txId) & indexMask;
        while (true)
        {
            final int ref = index[i];
            if (ref == 0)
            {
                return -1;
            }
            if (id[ref - 1] == txId)
            {
                return ref - 1;
            }
            i = (i + 1) & indexMask;
        }
    }

    /** @return whether another active hold fits: fewer than {@code capacity} are active and the arrays have room. */
    public boolean hasRoomForActive()
    {
        return active < capacity && size() < maxEntries;
    }

    /**
     * Adds an active hold.
     *
     * @param expiresAt ledger time it expires at, or 0 for never.
     * @return its entry.
     */
    public int add(final long txId, final long from, final long to, final long amount, final long expiresAt)
    {
        ensureStructure();
        if (size() >= maxEntries)
        {
            throw new IllegalStateException("hold table full: " + maxEntries + " holds held");
        }
        final int e;
        if (freeCount > 0)
        {
            e = freeList[--freeCount];
        }
        else
        {
            if (entries == id.length)
            {
                resize((int)Math.min(2L * id.length, maxEntries));
            }
            e = entries++;
        }
        changes++;
        changed(e);
        id[e] = txId;
        this.from[e] = from;
        this.to[e] = to;
        this.amount[e] = amount;
        this.expiresAt[e] = expiresAt;
        status[e] = ACTIVE;
        heapPos[e] = -1;
        insertIndex(e);
        active++;
        if (expiresAt != 0)
        {
            heapInsert(e);
        }
        return e;
    }

    /** Undoes the {@link #add} that returned {@code e} (it must still be active). */
    public void removeActive(final int e)
    {
        ensureStructure();
        changes++;
        changed(e);
        if (heapPos[e] >= 0)
        {
            heapRemove(e);
        }
        removeIndex(e);
        status[e] = 0;
        active--;
        freeList[freeCount++] = e;
    }

    /** Marks an active hold finished with {@code how} (POSTED, VOIDED or EXPIRED). */
    public void finish(final int e, final byte how)
    {
        ensureStructure();
        changes++;
        changed(e);
        if (heapPos[e] >= 0)
        {
            heapRemove(e);
        }
        status[e] = how;
        active--;
        if (finishedNext - finishedFirst == finished.length)
        {
            resize((int)Math.min(2L * id.length, maxEntries));
        }
        finished[(int)(finishedNext++ % finished.length)] = e;
    }

    /** Undoes the most recent {@link #finish}, which must have been of {@code e}. */
    public void unfinish(final int e)
    {
        ensureStructure();
        changes++;
        changed(e);
        finishedNext--;
        status[e] = ACTIVE;
        active++;
        if (expiresAt[e] != 0)
        {
            heapInsert(e);
        }
    }

    /** Forgets the oldest finished holds while more than {@code capacity} holds are held. */
    public void trim()
    {
        while (size() > capacity && finishedNext > finishedFirst)
        {
            ensureStructure();
            changes++;
            final int e = finished[(int)(finishedFirst++ % finished.length)];
            changed(e);
            removeIndex(e);
            status[e] = 0;
            freeList[freeCount++] = e;
        }
    }

    /** @return the entry of the active hold that expires first, or -1 when none has a timeout. */
    public int nextToExpire()
    {
        ensureStructure();
        return heapSize == 0 ? -1 : heap[0];
    }

    /** @return ledger time at which the next hold expires, or {@link Long#MAX_VALUE}. */
    public long nextExpiry()
    {
        ensureStructure();
        return heapSize == 0 ? Long.MAX_VALUE : expiresAt[heap[0]];
    }

    /** @return the hold's transaction id. */
    public long id(final int e)
    {
        return id[e];
    }

    /** @return the hold's from account. */
    public long from(final int e)
    {
        return from[e];
    }

    /** @return the hold's to account. */
    public long to(final int e)
    {
        return to[e];
    }

    /** @return the amount held. */
    public long amount(final int e)
    {
        return amount[e];
    }

    /** @return its expiry time, 0 for never. */
    public long expiresAt(final int e)
    {
        return expiresAt[e];
    }

    /** @return its status. */
    public byte status(final int e)
    {
        return status[e];
    }

    /** Visits every active hold (any order), then every finished hold, oldest finished first. */
    public void forEach(final HoldVisitor visitor)
    {
        for (int e = 0; e < entries; e++)
        {
            if (status[e] == ACTIVE)
            {
                visitor.visit(id[e], from[e], to[e], amount[e], expiresAt[e], ACTIVE);
            }
        }
        for (long p = finishedFirst; p < finishedNext; p++)
        {
            final int e = finished[(int)(p % finished.length)];
            visitor.visit(id[e], from[e], to[e], amount[e], expiresAt[e], status[e]);
        }
    }

    /** @return how many times this table has changed: equal counts mean equal contents. */
    public long changes()
    {
        return changes;
    }

    private void changed(final int e)
    {
        if (changedMark != null && changedMark[e] == 0)
        {
            changedMark[e] = 1;
            changedList[changedCount++] = e;
        }
    }

    /**
     * Owner: from now on remember the entries that change, so {@link #copyChangesTo} can bring a copy up to date
     * by copying those alone. The next {@link #copyChangesTo} copies everything.
     */
    public void trackChanges()
    {
        changedMark = new byte[id.length];
        changedList = new int[id.length];
        changedCount = 0;
    }

    /**
     * Owner of both, outside a chain: makes {@code copy} (same capacity) an exact copy of this table. The first
     * call copies every entry; later ones copy the entries changed since (their fields and status), the finished
     * holds appended since, and the free list (whole arrays when more than an eighth of the entries changed:
     * sequential copies beat scattered ones). When this table has grown, the copy's arrays grow alike, keeping
     * what they hold. The copy's index and expiry heap
     * are not copied: a snapshot only lists the holds, so the copy rebuilds them from its entries on first use
     * (the heap orders by (expiry, id), so the rebuilt one expires holds in the same order).
     *
     * @throws IllegalArgumentException when the capacities differ.
     * @throws IllegalStateException    when changes are not tracked.
     */
    public void copyChangesTo(final Holds copy)
    {
        if (copy.capacity != capacity || copy.maxEntries != maxEntries)
        {
            throw new IllegalArgumentException("cannot copy a hold table of capacity " + capacity + " into one of "
                + copy.capacity);
        }
        if (changedMark == null)
        {
            throw new IllegalStateException("copyChangesTo needs trackChanges()");
        }
        final boolean all = copy.copiedFrom != this;
        copy.reserve(id.length); // grow the copy as this table grew, keeping the entries it holds: they stay valid
        if (all || changedCount > entries / 8)
        {
            // many entries changed (or the first copy): whole arrays, sequentially, beat scattered entries by far
            System.arraycopy(id, 0, copy.id, 0, entries);
            System.arraycopy(from, 0, copy.from, 0, entries);
            System.arraycopy(to, 0, copy.to, 0, entries);
            System.arraycopy(amount, 0, copy.amount, 0, entries);
            System.arraycopy(expiresAt, 0, copy.expiresAt, 0, entries);
            System.arraycopy(status, 0, copy.status, 0, entries);
            Arrays.fill(copy.status, entries, copy.status.length, (byte)0);
        }
        else
        {
            for (int i = 0; i < changedCount; i++)
            {
                copyEntry(changedList[i], copy);
            }
        }
        for (int i = 0; i < changedCount; i++)
        {
            changedMark[changedList[i]] = 0;
        }
        changedCount = 0;
        if (all || copy.finished.length != finished.length || copy.finishedNext > finishedNext)
        {
            copy.finished = copy.finished.length == finished.length ? copy.finished : new int[finished.length];
            System.arraycopy(finished, 0, copy.finished, 0, finished.length);
        }
        else
        {
            for (long p = Math.max(copy.finishedNext, finishedFirst); p < finishedNext; p++)
            {
                copy.finished[(int)(p % finished.length)] = finished[(int)(p % finished.length)];
            }
        }
        System.arraycopy(freeList, 0, copy.freeList, 0, freeCount);
        copy.freeCount = freeCount;
        copy.entries = entries;
        copy.finishedFirst = finishedFirst;
        copy.finishedNext = finishedNext;
        copy.active = active;
        copy.copiedFrom = this;
        copy.structureStale = true;
        copy.changes++;
    }

    /** @return the entries, free list and finished order, for tests that compare a copy with its original. */
    String layout()
    {
        final StringBuilder out = new StringBuilder("entries=" + entries + " active=" + active + " free=");
        for (int i = 0; i < freeCount; i++)
        {
            out.append(freeList[i]).append(',');
        }
        out.append(" finished=");
        for (long p = finishedFirst; p < finishedNext; p++)
        {
            out.append(finished[(int)(p % finished.length)]).append(',');
        }
        for (int e = 0; e < entries; e++)
        {
            out.append(" [").append(id[e]).append(' ').append(from[e]).append(' ').append(to[e]).append(' ')
                .append(amount[e]).append(' ').append(expiresAt[e]).append(' ').append(status[e]).append(']');
        }
        return out.toString();
    }

    private void copyEntry(final int e, final Holds copy)
    {
        copy.id[e] = id[e];
        copy.from[e] = from[e];
        copy.to[e] = to[e];
        copy.amount[e] = amount[e];
        copy.expiresAt[e] = expiresAt[e];
        copy.status[e] = status[e];
    }

    /** Any thread, racy: the length of the per-entry arrays, a hint for {@link #reserve} (a stale one is harmless). */
    int arrayLength()
    {
        return id.length;
    }

    /**
     * Owner of this copy: grows its per-entry arrays to at least {@code length} (at most the table's limit), keeping
     * what they hold, so that a later {@link #copyChangesTo} into it need not allocate. For the snapshotter, which
     * grows its copy on its own thread while the transactor does not need it.
     */
    void reserve(final int length)
    {
        final int size = Math.min(length, maxEntries);
        if (size > id.length)
        {
            resizeEntries(size);
        }
    }

    /** Rebuilds the index and the expiry heap of a copy from its entries, once, before it is first used. */
    private void ensureStructure()
    {
        if (!structureStale)
        {
            return;
        }
        structureStale = false;
        rebuildIndex();
        heapSize = 0;
        for (int e = 0; e < entries; e++)
        {
            heapPos[e] = -1;
            if (status[e] == ACTIVE && expiresAt[e] != 0)
            {
                heapInsert(e);
            }
        }
    }

    /** Restores a finished hold from a snapshot, after every active one; call oldest first. */
    public void restoreFinished(final long txId, final long from, final long to, final long amount,
        final long expiresAt, final byte how)
    {
        final int e = add(txId, from, to, amount, expiresAt);
        finish(e, how);
    }

    /** @return an order-independent hash of every remembered hold. */
    public long contentHash()
    {
        final long[] h = new long[1];
        forEach((txId, f, t, a, exp, st) ->
            h[0] += LedgerState.mix(LedgerState.mix(LedgerState.mix(txId * 31 + f) * 31 + t) * 31 + a ^ (exp == 0 ? 0 : 1) * 7 + st));
        return h[0];
    }

    private void insertIndex(final int e)
    {
        int i = hash(id[e]) & indexMask;
        while (index[i] != 0)
        {
            i = (i + 1) & indexMask;
        }
        index[i] = e + 1;
    }

    private void removeIndex(final int e)
    {
        int i = hash(id[e]) & indexMask;
        while (index[i] != e + 1)
        {
            i = (i + 1) & indexMask;
        }
        int hole = i;
        int j = (hole + 1) & indexMask;
        while (index[j] != 0)
        {
            final int home = hash(id[index[j] - 1]) & indexMask;
            if (((j - home) & indexMask) >= ((j - hole) & indexMask))
            {
                index[hole] = index[j];
                hole = j;
            }
            j = (j + 1) & indexMask;
        }
        index[hole] = 0;
    }

    private static int hash(final long txId)
    {
        final long h = LedgerState.mix(txId);
        return (int)(h ^ (h >>> 32));
    }

    private boolean before(final int a, final int b)
    {
        return expiresAt[a] < expiresAt[b] || (expiresAt[a] == expiresAt[b] && id[a] < id[b]);
    }

    private void heapInsert(final int e)
    {
        heap[heapSize] = e;
        heapPos[e] = heapSize;
        heapSize++;
        siftUp(heapPos[e]);
    }

    private void heapRemove(final int e)
    {
        final int at = heapPos[e];
        heapPos[e] = -1;
        heapSize--;
        if (at == heapSize)
        {
            return;
        }
        final int last = heap[heapSize];
        heap[at] = last;
        heapPos[last] = at;
        siftUp(at);
        siftDown(heapPos[last]);
    }

    private void siftUp(final int start)
    {
        int at = start;
        final int e = heap[at];
        while (at > 0)
        {
            final int parent = (at - 1) >>> 1;
            if (!before(e, heap[parent]))
            {
                break;
            }
            heap[at] = heap[parent];
            heapPos[heap[at]] = at;
            at = parent;
        }
        heap[at] = e;
        heapPos[e] = at;
    }

    private void siftDown(final int start)
    {
        int at = start;
        final int e = heap[at];
        while (true)
        {
            final int left = 2 * at + 1;
            if (left >= heapSize)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < heapSize && before(heap[right], heap[left]) ? right : left;
            if (!before(heap[child], e))
            {
                break;
            }
            heap[at] = heap[child];
            heapPos[heap[at]] = at;
            at = child;
        }
        heap[at] = e;
        heapPos[e] = at;
    }

    /** Receives one hold of {@link #forEach}. */
    @FunctionalInterface
    public interface HoldVisitor
    {
        /** One remembered hold. */
        void visit(long txId, long from, long to, long amount, long expiresAt, byte status);
    }
}
