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

    private int offset(final int slot)
    {
        if (slot < 0 || slot >= capacity)
        {
            throw new IndexOutOfBoundsException(name + ": slot " + slot + " outside 0.." + (capacity - 1));
        }
        return slot * slotLength;
    }
}
