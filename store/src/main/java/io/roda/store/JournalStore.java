package io.roda.store;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * An append-only journal of fixed-size records in one block of memory: anonymous off-heap memory, or a
 * memory-mapped file that reopens with its contents. One writer thread appends; any number of reader
 * threads read through their own {@link StoreReader}s and see a record only once it is fully written.
 *
 * <pre>
 *   0                   8                  12              16                 24                  32
 *   +-------------------+------------------+---------------+------------------+-------------------+
 *   | magic "RODAJRNL"  | version          | record size   | capacity         | mode (0 append,   |
 *   |                   |                  |               | (records)        |       1 ring)     |
 *   +-------------------+------------------+---------------+------------------+-------------------+
 *  64 write index (published record count; release store by the writer, acquire load by readers)
 * 128 claim index (ungated ring mode: 1 + the index the writer is writing now; lets readers detect
 *     overwrite). On its own cache line: the writer stores it on every claim after the first wrap, and
 *     readers poll the write index's line. A gated ring never overwrites unread records and keeps none.
 * 192 record 0, record 1, ... record (capacity - 1)
 * </pre>
 *
 * <p><b>Append mode</b>: when {@code capacity} records exist, {@link #tryClaim()} returns {@code -1}
 * and {@link #claim()} throws {@link StoreFullException}; nothing is ever overwritten.
 * <b>Ring mode</b>: record {@code i} lives in slot {@code i % capacity} (a mask when the capacity is a
 * power of two, as the pipeline's journal is); the writer may reuse a slot
 * only once the optional gate (the slowest consumer's position) has passed it, and readers can always
 * tell if a record they read was overwritten meanwhile ({@link StoreReader#with}).
 *
 * <p>Writer protocol: {@link #tryClaim()} one or more records, write their fields at
 * {@link #offsetOf(long)} in {@link #buffer()}, then {@link #publish()} them all with one release store.
 * Not thread-safe for writers: exactly one thread may claim and publish.
 */
public final class JournalStore implements AutoCloseable
{
    /** Whether records are kept (APPEND) or slots are reused (RING). */
    public enum Mode
    {
        /** Records are never overwritten; a full store refuses new records. */
        APPEND,
        /** Slots are reused; readers detect records overwritten under them. */
        RING
    }

    static final long MAGIC = 0x4C4E524A41444F52L; // "RODAJRNL" little-endian
    static final int VERSION = 2;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int RECORD_SIZE_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;
    static final int MODE_OFFSET = 24;
    static final int WRITE_INDEX_OFFSET = 64;
    static final int CLAIM_INDEX_OFFSET = 128;
    /** Bytes before record 0. */
    public static final int HEADER_LENGTH = 192;

    private final String name;
    private final ByteBuffer buffer;
    private final int recordSize;
    private final long capacity;
    private final Mode mode;
    private final Path file;
    private final long mask; // capacity - 1 when capacity is a power of two, else -1: offsetOf then divides
    private LongSupplier gate;
    private long nextIndex;
    private long gateCache;
    private boolean closed;

    private JournalStore(final String name, final ByteBuffer buffer, final int recordSize, final long capacity,
        final Mode mode, final Path file)
    {
        this.name = name;
        this.buffer = buffer;
        this.recordSize = recordSize;
        this.capacity = capacity;
        this.mode = mode;
        this.file = file;
        this.mask = Long.bitCount(capacity) == 1 ? capacity - 1 : -1;
        this.nextIndex = Memory.getLongAcquire(buffer, WRITE_INDEX_OFFSET);
    }

    /**
     * Creates a store in anonymous off-heap memory.
     *
     * @param name       names the store in errors.
     * @param recordSize bytes per record, a positive multiple of 8.
     * @param capacity   records it can hold (APPEND) or slots it reuses (RING).
     * @param mode       APPEND or RING.
     * @return the new, empty store.
     */
    public static JournalStore anonymous(final String name, final int recordSize, final long capacity, final Mode mode)
    {
        checkShape(name, recordSize, capacity, mode);
        final ByteBuffer buffer = Memory.allocate(bytesFor(recordSize, capacity), name);
        writeHeader(buffer, recordSize, capacity, mode);
        return new JournalStore(name, buffer, recordSize, capacity, mode, null);
    }

    /**
     * Creates a store in {@code file}, or reopens the store already there with every published record.
     *
     * @param name       names the store in errors.
     * @param file       the backing file; created when absent.
     * @param recordSize bytes per record, a positive multiple of 8; must match an existing file.
     * @param capacity   records it can hold; must match an existing file.
     * @param mode       APPEND or RING; must match an existing file.
     * @return the store.
     * @throws IOException          when the file cannot be opened or mapped.
     * @throws StoreFormatException when the file holds something else, or a store of another shape.
     */
    public static JournalStore file(final String name, final Path file, final int recordSize, final long capacity,
        final Mode mode) throws IOException
    {
        checkShape(name, recordSize, capacity, mode);
        final long expectedBytes = bytesFor(recordSize, capacity);
        final long existing = Memory.fileSize(file);
        if (existing > 0 && existing != expectedBytes)
        {
            throw new StoreFormatException(file + ": is " + existing + " bytes; a " + name + " store of "
                + capacity + " records of " + recordSize + " bytes is " + expectedBytes + " bytes");
        }
        final MappedByteBuffer buffer = Memory.map(file, expectedBytes, name);
        if (existing > 0)
        {
            verifyHeader(file, buffer, recordSize, capacity, mode);
        }
        else
        {
            writeHeader(buffer, recordSize, capacity, mode);
        }
        return new JournalStore(name, buffer, recordSize, capacity, mode, file);
    }

    private static void checkShape(final String name, final int recordSize, final long capacity, final Mode mode)
    {
        if (name == null || mode == null)
        {
            throw new NullPointerException(name == null ? "name" : "mode");
        }
        if (recordSize <= 0 || (recordSize & 7) != 0)
        {
            throw new IllegalArgumentException(name + ": recordSize must be a positive multiple of 8, was " + recordSize);
        }
        if (capacity <= 0)
        {
            throw new IllegalArgumentException(name + ": capacity must be positive, was " + capacity);
        }
    }

    private static long bytesFor(final int recordSize, final long capacity)
    {
        return HEADER_LENGTH + (long)recordSize * capacity;
    }

    private static void writeHeader(final ByteBuffer buffer, final int recordSize, final long capacity, final Mode mode)
    {
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putInt(RECORD_SIZE_OFFSET, recordSize);
        buffer.putLong(CAPACITY_OFFSET, capacity);
        buffer.putLong(MODE_OFFSET, mode.ordinal());
        Memory.putLongRelease(buffer, WRITE_INDEX_OFFSET, 0);
        Memory.putLongRelease(buffer, MAGIC_OFFSET, MAGIC);
    }

    private static void verifyHeader(final Path file, final ByteBuffer buffer, final int recordSize,
        final long capacity, final Mode mode)
    {
        final long magic = buffer.getLong(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new StoreFormatException(file + ": not a journal store (magic 0x" + Long.toHexString(magic) + ")");
        }
        final int version = buffer.getInt(VERSION_OFFSET);
        if (version != VERSION)
        {
            throw new StoreFormatException(file + ": journal store version " + version + ", expected " + VERSION);
        }
        final int foundSize = buffer.getInt(RECORD_SIZE_OFFSET);
        final long foundCapacity = buffer.getLong(CAPACITY_OFFSET);
        final long foundMode = buffer.getLong(MODE_OFFSET);
        if (foundSize != recordSize || foundCapacity != capacity || foundMode != mode.ordinal())
        {
            throw new StoreFormatException(file + ": holds " + foundCapacity + " records of " + foundSize
                + " bytes in mode " + foundMode + ", expected " + capacity + " of " + recordSize + " in " + mode);
        }
        final long writeIndex = buffer.getLong(WRITE_INDEX_OFFSET);
        if (writeIndex < 0 || (mode == Mode.APPEND && writeIndex > capacity))
        {
            throw new StoreFormatException(file + ": write index " + writeIndex + " out of range 0.." + capacity);
        }
    }

    /**
     * Ring mode: the writer will not reuse the slot of record {@code i} until {@code gate} returns more
     * than {@code i}. The supplier is called only when the cached value no longer suffices.
     *
     * <p>A gated ring can never overwrite a record its gating readers have not consumed, so it keeps no claim
     * index and its readers skip the overwrite checks: no shared store per claim, no shared load per record.
     * The contract that buys this: <b>every reader of a gated store is one of the consumers behind the gate</b>.
     * Set the gate before creating readers.
     *
     * @param gate the index of the first record not yet consumed by the slowest consumer.
     */
    public void gate(final LongSupplier gate)
    {
        this.gate = gate;
    }

    /** @return whether {@link #gate} was set: readers then need no overwrite checks. */
    boolean gated()
    {
        return gate != null;
    }

    /**
     * Claims the next record for writing.
     *
     * @return its index, or {@code -1} when the store is full (APPEND) or the slot is still unconsumed (RING).
     */
    public long tryClaim()
    {
        final long index = nextIndex;
        if (index >= capacity)
        {
            if (mode == Mode.APPEND)
            {
                return -1;
            }
            final long reused = index - capacity;
            if (gate != null && reused >= gateCache)
            {
                gateCache = gate.getAsLong();
                if (reused >= gateCache)
                {
                    return -1;
                }
            }
            if (gate == null)
            {
                // ungated: readers compare against this to detect a record overwritten under them
                Memory.putLongOpaque(buffer, CLAIM_INDEX_OFFSET, index + 1);
                VarHandle.storeStoreFence();
            }
        }
        nextIndex = index + 1;
        return index;
    }

    /**
     * Writer only: whether the next {@code count} records can be claimed now (so that a group of records
     * that must be written together is never left half-claimed).
     */
    public boolean hasRoom(final int count)
    {
        final long last = nextIndex + count - 1;
        if (last < capacity)
        {
            return true;
        }
        if (mode == Mode.APPEND || count > capacity)
        {
            return false;
        }
        final long reused = last - capacity;
        if (gate != null && reused >= gateCache)
        {
            gateCache = gate.getAsLong();
            return reused < gateCache;
        }
        return true;
    }

    /**
     * Claims the next record for writing.
     *
     * @return its index.
     * @throws StoreFullException when {@link #tryClaim()} would return -1.
     */
    public long claim()
    {
        final long index = tryClaim();
        if (index < 0)
        {
            throw new StoreFullException(name, capacity, "records");
        }
        return index;
    }

    /**
     * @param index a claimed or published record index.
     * @return the byte offset of that record in {@link #buffer()}.
     */
    public int offsetOf(final long index)
    {
        return HEADER_LENGTH + (int)(mask >= 0 ? index & mask : index % capacity) * recordSize;
    }

    /** Makes every claimed record visible to readers with one release store of the write index. */
    public void publish()
    {
        Memory.putLongRelease(buffer, WRITE_INDEX_OFFSET, nextIndex);
    }

    /**
     * Writer only: forgets every record from {@code count} on, as if they had never been appended.
     * Used by recovery to cut records that never became durable elsewhere. Readers cache the write index,
     * so create readers after a truncate: one created before may still return the records cut.
     *
     * @param count the number of records to keep; at most the current write index.
     */
    public void truncate(final long count)
    {
        if (count < 0 || count > nextIndex)
        {
            throw new IllegalArgumentException(name + ": cannot truncate to " + count + " records; it has " + nextIndex);
        }
        nextIndex = count;
        Memory.putLongRelease(buffer, WRITE_INDEX_OFFSET, count);
    }

    /** @return the number of published records (acquire load). */
    public long writeIndex()
    {
        return Memory.getLongAcquire(buffer, WRITE_INDEX_OFFSET);
    }

    long claimIndex()
    {
        return Memory.getLongAcquire(buffer, CLAIM_INDEX_OFFSET);
    }

    /** @return the index the next claim will return. Writer thread only. */
    public long nextIndex()
    {
        return nextIndex;
    }

    /** @return the buffer holding the header and records; write only claimed records. */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** @return bytes per record. */
    public int recordSize()
    {
        return recordSize;
    }

    /** @return records held (APPEND) or slots reused (RING). */
    public long capacity()
    {
        return capacity;
    }

    /** @return APPEND or RING. */
    public Mode mode()
    {
        return mode;
    }

    /** @return the store's name. */
    public String name()
    {
        return name;
    }

    /** @return a new reader whose cursor starts at the oldest readable record. */
    public StoreReader reader()
    {
        return new StoreReader(this);
    }

    /** Flushes a file-backed store's mapping to disk; a no-op for anonymous memory. */
    public void force()
    {
        if (file != null && !closed)
        {
            ((MappedByteBuffer)buffer).force();
        }
    }

    /** Forces a file-backed store; the memory itself is released when the store becomes unreachable. */
    @Override
    public void close()
    {
        force();
        closed = true;
    }
}
