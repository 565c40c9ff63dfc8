package io.roda.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * O(1) {@code long} key to non-negative {@code long} position, by open addressing with linear probing
 * over off-heap or memory-mapped memory. One owning thread calls {@link #put}; any thread may call
 * {@link #get} at the same time, without locks.
 *
 * <pre>
 *   0 magic "RODAINDX" | 8 version | 12 unused | 16 capacity (keys) | 24 table slots | 32 size (keys held)
 *  64 slot 0: key (8) | value + 1 (8, 0 = empty; release store by the owner, acquire load by readers)
 *  80 slot 1 ...
 * </pre>
 *
 * <p>A key becomes visible to readers only with the release store of its value, after the key word is
 * written, so a reader never matches a half-written slot. The owner must publish the data a position
 * points at before it puts the position, so the index never points at unwritten data. Keys are never
 * removed. The table holds twice the capacity (rounded to a power of two) to keep probes short; when
 * {@code capacity} keys are held, a new key gets {@link StoreFullException}.
 */
public final class DirectIndex implements AutoCloseable
{
    /** Returned by {@link #get} for a key that is not in the index. */
    public static final long MISSING = -1;

    static final long MAGIC = 0x58444E4941444F52L; // "RODAINDX"
    static final int VERSION = 1;
    static final int CAPACITY_OFFSET = 16;
    static final int TABLE_SLOTS_OFFSET = 24;
    static final int SIZE_OFFSET = 32;
    static final int HEADER_LENGTH = 64;
    static final int SLOT_LENGTH = 16;

    private final String name;
    private final ByteBuffer buffer;
    private final long capacity;
    private final int mask;
    private final boolean mapped;
    private long size;

    private DirectIndex(final String name, final ByteBuffer buffer, final long capacity, final boolean mapped)
    {
        this.name = name;
        this.buffer = buffer;
        this.capacity = capacity;
        this.mask = (int)buffer.getLong(TABLE_SLOTS_OFFSET) - 1;
        this.mapped = mapped;
        this.size = buffer.getLong(SIZE_OFFSET);
    }

    /**
     * @param name     names the index in errors.
     * @param capacity the most keys it will hold, at least 1.
     * @return an empty index in anonymous off-heap memory.
     */
    public static DirectIndex anonymous(final String name, final long capacity)
    {
        final int slots = tableSlots(name, capacity);
        final ByteBuffer buffer = Memory.allocate(HEADER_LENGTH + (long)slots * SLOT_LENGTH, name);
        writeHeader(buffer, capacity, slots);
        return new DirectIndex(name, buffer, capacity, false);
    }

    /**
     * Creates an index in {@code file}, or reopens the one there with all its keys.
     *
     * @throws StoreFormatException when the file holds something else or an index of another capacity.
     */
    public static DirectIndex file(final String name, final Path file, final long capacity) throws IOException
    {
        final int slots = tableSlots(name, capacity);
        final long bytes = HEADER_LENGTH + (long)slots * SLOT_LENGTH;
        final long existing = Memory.fileSize(file);
        if (existing > 0 && existing != bytes)
        {
            throw new StoreFormatException(file + ": is " + existing + " bytes; an index of capacity "
                + capacity + " is " + bytes + " bytes");
        }
        final MappedByteBuffer buffer = Memory.map(file, bytes, name);
        if (existing > 0)
        {
            if (buffer.getLong(0) != MAGIC || buffer.getInt(8) != VERSION)
            {
                throw new StoreFormatException(file + ": not a direct index (version " + VERSION + ")");
            }
            if (buffer.getLong(CAPACITY_OFFSET) != capacity || buffer.getLong(TABLE_SLOTS_OFFSET) != slots)
            {
                throw new StoreFormatException(file + ": index capacity " + buffer.getLong(CAPACITY_OFFSET)
                    + ", expected " + capacity);
            }
        }
        else
        {
            writeHeader(buffer, capacity, slots);
        }
        return new DirectIndex(name, buffer, capacity, true);
    }

    private static int tableSlots(final String name, final long capacity)
    {
        if (capacity <= 0 || capacity > (1 << 29))
        {
            throw new IllegalArgumentException(name + ": capacity must be in 1.." + (1 << 29) + ", was " + capacity);
        }
        return Memory.nextPowerOfTwo(capacity * 2);
    }

    private static void writeHeader(final ByteBuffer buffer, final long capacity, final int slots)
    {
        buffer.putInt(8, VERSION);
        buffer.putLong(CAPACITY_OFFSET, capacity);
        buffer.putLong(TABLE_SLOTS_OFFSET, slots);
        buffer.putLong(SIZE_OFFSET, 0);
        Memory.putLongRelease(buffer, 0, MAGIC);
    }

    /** Stafford's mix13 of the key: consecutive ids spread over the table. */
    static long hash(final long key)
    {
        long h = key;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /**
     * Owner thread only: maps {@code key} to {@code value}, replacing an earlier value.
     *
     * @param key   any long.
     * @param value a non-negative position.
     * @return true when the key is new.
     * @throws StoreFullException when the key is new and {@code capacity} keys are held; nothing changes.
     */
    public boolean put(final long key, final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException(name + ": value must be >= 0, was " + value + " for key " + key);
        }
        int slot = (int)hash(key) & mask;
        while (true)
        {
            final int offset = HEADER_LENGTH + slot * SLOT_LENGTH;
            final long stored = Memory.getLong(buffer, offset + 8);
            if (stored == 0)
            {
                if (size >= capacity)
                {
                    throw new StoreFullException(name, capacity, "keys");
                }
                Memory.putLong(buffer, offset, key);
                Memory.putLongRelease(buffer, offset + 8, value + 1);
                size++;
                Memory.putLongRelease(buffer, SIZE_OFFSET, size);
                return true;
            }
            if (Memory.getLong(buffer, offset) == key)
            {
                Memory.putLongRelease(buffer, offset + 8, value + 1);
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Any thread: the value of {@code key}, or {@link #MISSING}.
     */
    public long get(final long key)
    {
        int slot = (int)hash(key) & mask;
        for (int probes = 0; probes <= mask; probes++)
        {
            final int offset = HEADER_LENGTH + slot * SLOT_LENGTH;
            final long stored = Memory.getLongAcquire(buffer, offset + 8);
            if (stored == 0)
            {
                return MISSING;
            }
            if (Memory.getLong(buffer, offset) == key)
            {
                return stored - 1;
            }
            slot = (slot + 1) & mask;
        }
        return MISSING;
    }

    /** @return true when {@code key} is present. */
    public boolean contains(final long key)
    {
        return get(key) != MISSING;
    }

    /** @return the number of keys held (acquire load; exact on the owner thread). */
    public long size()
    {
        return Memory.getLongAcquire(buffer, SIZE_OFFSET);
    }

    /** @return the most keys this index will hold. */
    public long capacity()
    {
        return capacity;
    }

    /** Visits every (key, value) pair, in table order. Owner thread, or readers that tolerate concurrent puts. */
    public void forEach(final KeyValueConsumer consumer)
    {
        for (int slot = 0; slot <= mask; slot++)
        {
            final int offset = HEADER_LENGTH + slot * SLOT_LENGTH;
            final long stored = Memory.getLongAcquire(buffer, offset + 8);
            if (stored != 0)
            {
                consumer.accept(Memory.getLong(buffer, offset), stored - 1);
            }
        }
    }

    /** Owner thread only: removes every key. */
    public void clear()
    {
        for (int slot = 0; slot <= mask; slot++)
        {
            Memory.putLongRelease(buffer, HEADER_LENGTH + slot * SLOT_LENGTH + 8, 0);
        }
        size = 0;
        Memory.putLongRelease(buffer, SIZE_OFFSET, 0);
    }

    @Override
    public void close()
    {
        if (mapped)
        {
            ((MappedByteBuffer)buffer).force();
        }
    }

    /** Receives one entry of {@link #forEach}. */
    @FunctionalInterface
    public interface KeyValueConsumer
    {
        /** @param key the key. @param value its value. */
        void accept(long key, long value);
    }
}
