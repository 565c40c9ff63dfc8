package io.roda.store;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Fixed-size slots of {@code fields} longs, updated in place by one owning thread and read by any
 * thread without locks and without ever seeing a torn slot. Each slot carries a sequence word
 * (a seqlock): odd while the owner writes, even when the slot is consistent.
 *
 * <pre>
 *   slot i at i * (8 + 8 * fields):  sequence (8) | field 0 (8) | field 1 (8) | ...
 * </pre>
 *
 * <p>Slots are handed out in order by {@link #allocate()}; a slot is addressed by its number, usually
 * found through a {@link DirectIndex}. In-memory only: this state is rebuilt from snapshots and the log.
 */
public final class SlotStore
{
    private final String name;
    private final ByteBuffer buffer;
    private final int fields;
    private final int slotLength;
    private final int capacity;
    private int allocated;
    private byte[] changedMark; // non-null once trackChanges() was called: slot -> 1 when written since last clear
    private int[] changedList;
    private int changedCount;

    /**
     * @param name     names the store in errors.
     * @param fields   longs per slot, at least 1.
     * @param capacity slots, at least 1.
     */
    public SlotStore(final String name, final int fields, final int capacity)
    {
        if (fields <= 0 || fields > 64)
        {
            throw new IllegalArgumentException(name + ": fields must be in 1..64, was " + fields);
        }
        if (capacity <= 0)
        {
            throw new IllegalArgumentException(name + ": capacity must be positive, was " + capacity);
        }
        this.name = name;
        this.fields = fields;
        this.slotLength = 8 + 8 * fields;
        this.capacity = capacity;
        this.buffer = Memory.allocate((long)slotLength * capacity, name);
    }

    /**
     * Owner only: takes the next free slot, all fields zero.
     *
     * @throws StoreFullException when every slot is taken.
     */
    public int allocate()
    {
        if (allocated == capacity)
        {
            throw new StoreFullException(name, capacity, "slots");
        }
        return allocated++;
    }

    /**
     * Owner only: gives back the most recently allocated slot (rolling back its allocation), zeroing its
     * fields so that a later {@link #allocate} hands it out as new.
     *
     * @throws IllegalArgumentException when {@code slot} is not the last slot allocated.
     */
    public void unallocate(final int slot)
    {
        if (slot != allocated - 1)
        {
            throw new IllegalArgumentException(name + ": slot " + slot + " is not the last allocated (" + (allocated - 1) + ")");
        }
        beginWrite(slot);
        for (int f = 0; f < fields; f++)
        {
            putLong(slot, f, 0);
        }
        endWrite(slot);
        allocated--;
    }

    /** @return slots handed out so far (owner thread). */
    public int allocated()
    {
        return allocated;
    }

    /** @return the number of slots. */
    public int capacity()
    {
        return capacity;
    }

    /** Owner only: marks {@code slot} as being written; readers retry until {@link #endWrite}. */
    public void beginWrite(final int slot)
    {
        final int offset = offset(slot);
        if (changedMark != null && changedMark[slot] == 0)
        {
            changedMark[slot] = 1;
            changedList[changedCount++] = slot;
        }
        Memory.putLongOpaque(buffer, offset, Memory.getLong(buffer, offset) + 1);
        VarHandle.storeStoreFence();
    }

    /** Owner only, between {@link #beginWrite} and {@link #endWrite}: plain store of one field. */
    public void putLong(final int slot, final int field, final long value)
    {
        Memory.putLong(buffer, offset(slot) + 8 + 8 * field, value);
    }

    /** Owner only: publishes the slot's new fields with a release store of its sequence. */
    public void endWrite(final int slot)
    {
        final int offset = offset(slot);
        Memory.putLongRelease(buffer, offset, Memory.getLong(buffer, offset) + 1);
    }

    /** Owner only: plain load of one field. */
    public long getLong(final int slot, final int field)
    {
        return Memory.getLong(buffer, offset(slot) + 8 + 8 * field);
    }

    /**
     * Any thread: copies a consistent view of the slot's fields into {@code dst}, retrying while the
     * owner writes it.
     *
     * @param dst at least {@code fields} long.
     */
    public void read(final int slot, final long[] dst)
    {
        final int offset = offset(slot);
        while (true)
        {
            final long before = Memory.getLongAcquire(buffer, offset);
            if ((before & 1) == 0)
            {
                for (int f = 0; f < fields; f++)
                {
                    dst[f] = Memory.getLongOpaque(buffer, offset + 8 + 8 * f);
                }
                VarHandle.loadLoadFence();
                if (Memory.getLongOpaque(buffer, offset) == before)
                {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Any thread: a consistent read of one field. */
    public long readLong(final int slot, final int field)
    {
        final int offset = offset(slot);
        while (true)
        {
            final long before = Memory.getLongAcquire(buffer, offset);
            if ((before & 1) == 0)
            {
                final long value = Memory.getLongOpaque(buffer, offset + 8 + 8 * field);
                VarHandle.loadLoadFence();
                if (Memory.getLongOpaque(buffer, offset) == before)
                {
                    return value;
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Owner only: from now on, remember every slot written (through {@link #beginWrite}) until
     * {@link #clearChanges()}, so that a copy of this store can be brought up to date by copying those slots
     * alone ({@link #copyChangedTo}). Costs one byte and one int per slot, and a branch per write.
     */
    public void trackChanges()
    {
        if (changedMark == null)
        {
            changedMark = new byte[capacity];
            changedList = new int[capacity];
        }
    }

    /** @return slots written since the last {@link #clearChanges()} (0 when not tracking). */
    public int changedCount()
    {
        return changedCount;
    }

    /**
     * Owner of this store (which must also own {@code copy}): copies every slot written since the last
     * {@link #clearChanges()} and still allocated into the same slot of {@code copy}, allocating slots in the
     * copy up to this store's count; then clears the changes.
     *
     * @throws IllegalArgumentException when the copy has another shape or more slots allocated than this store.
     */
    public void copyChangedTo(final SlotStore copy)
    {
        if (copy.fields != fields || copy.capacity != capacity)
        {
            throw new IllegalArgumentException(name + ": cannot copy into a store of another shape");
        }
        if (copy.allocated > allocated)
        {
            throw new IllegalArgumentException(name + ": the copy has " + copy.allocated + " slots allocated, this "
                + allocated);
        }
        if (changedCount > allocated / 8)
        {
            copyAllocatedTo(copy); // many slots changed: one sequential copy beats scattered ones
        }
        else
        {
            while (copy.allocated < allocated)
            {
                copy.allocate();
            }
            for (int i = 0; i < changedCount; i++)
            {
                final int slot = changedList[i];
                if (slot < allocated) // a slot given back (a rolled-back open) is zero in both
                {
                    copy.beginWrite(slot);
                    for (int f = 0; f < fields; f++)
                    {
                        copy.putLong(slot, f, getLong(slot, f));
                    }
                    copy.endWrite(slot);
                }
            }
        }
        for (int i = 0; i < changedCount; i++)
        {
            changedMark[changedList[i]] = 0;
        }
        changedCount = 0;
    }

    /**
     * Owner of both: makes {@code copy}, which must have no slot allocated, hold the same slots with the same
     * fields as this store.
     *
     * @throws IllegalArgumentException when the copy has another shape or slots allocated.
     */
    public void copyAllTo(final SlotStore copy)
    {
        if (copy.fields != fields || copy.capacity != capacity || copy.allocated != 0)
        {
            throw new IllegalArgumentException(name + ": can copy only into an empty store of the same shape");
        }
        copyAllocatedTo(copy);
    }

    /**
     * Owner of both: allocates slots in {@code copy} up to this store's count and copies every allocated slot in
     * one sequential copy. The owner is not writing (it is running this), so every sequence word copied is even:
     * the copy's slots are consistent.
     */
    private void copyAllocatedTo(final SlotStore copy)
    {
        while (copy.allocated < allocated)
        {
            copy.allocate();
        }
        final ByteBuffer source = buffer.duplicate();
        source.limit(allocated * slotLength).position(0);
        final ByteBuffer target = copy.buffer.duplicate();
        target.position(0);
        target.put(source);
        VarHandle.storeStoreFence();
    }

    private int offset(final int slot)
    {
        if (slot < 0 || slot >= capacity)
        {
            throw new IndexOutOfBoundsException(name + ": slot " + slot + " outside 0.." + (capacity - 1));
        }
        return slot * slotLength;
    }
}
