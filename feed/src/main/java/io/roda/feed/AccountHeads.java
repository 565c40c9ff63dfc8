package io.roda.feed;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code DIR/feed/heads}: for every account the feed has seen, the newest feed transaction that touched it,
 * so that account history starts in O(1) and then follows each entry's link to the account's previous one.
 * A memory-mapped open-addressing table (linear probing, key = account + 1 so that 0 means empty) written by
 * the feed stage alone, read by any process. The writer stores a value before its key and both with release
 * semantics, and raises {@code through} (the last feed entry whose heads are stored) after the entry's heads;
 * readers load with acquire. Derived data: the feed stage re-applies the entries after {@code through} when
 * it starts, and rebuilds the file from the queue when it is missing or does not verify.
 *
 * <pre>
 *   0 magic "RODAHEAD" (8) | 8 version (4) | 12 zero (4) | 16 capacity, a power of two (8) | 24 through (8)
 *  32..64 zero | 64 capacity x { account + 1 (8) | newest tx (8) }
 * </pre>
 */
final class AccountHeads implements AutoCloseable
{
    static final String FILE = "heads";
    private static final long MAGIC = 0x4441454841444F52L; // "RODAHEAD"
    private static final int VERSION = 1;
    private static final int HEADER = 64;
    private static final int THROUGH = 24;
    private static final int CHUNK_SHIFT = 26;              // 64 MiB per mapping
    private static final long CHUNK = 1L << CHUNK_SHIFT;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final MappedByteBuffer[] chunks;
    private final long capacity;
    private final long mask;

    private AccountHeads(final MappedByteBuffer[] chunks, final long capacity)
    {
        this.chunks = chunks;
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    /** @return the table capacity for a ledger of {@code maxAccounts} (the system account included, half full). */
    static long capacityFor(final long maxAccounts)
    {
        return Long.highestOneBit(Math.max(16, (maxAccounts + 1) * 2 - 1)) << 1;
    }

    /**
     * Opens the file for writing, creating (or re-creating, when it does not match) an empty one.
     *
     * @return the heads, and whether they were (re)created empty.
     */
    static AccountHeads openForWriting(final Path feedDir, final long maxAccounts) throws IOException
    {
        return open(feedDir, maxAccounts, false);
    }

    /**
     * @return whether the table is not one this writer could have left: more accounts than the ledger holds, a
     *     transaction beyond the queue's last, or a key its probe could not reach. O(capacity), once per open.
     */
    boolean damaged(final long maxAccounts, final long lastTxId)
    {
        try
        {
            return checkDamaged(maxAccounts, lastTxId);
        }
        catch (final IllegalStateException full)
        {
            return true; // no empty slot at all: not a table this writer (at most half full) leaves
        }
    }

    private boolean checkDamaged(final long maxAccounts, final long lastTxId)
    {
        final long through = through();
        if (through < 0 || through > lastTxId)
        {
            return true;
        }
        long used = 0;
        for (long i = 0; i < capacity; i++)
        {
            final long at = HEADER + i * 16;
            final long key = getLong(at);
            if (key == 0)
            {
                continue;
            }
            final long value = getLong(at + 8);
            if (++used > maxAccounts + 1 || value < 1 || value > lastTxId || probe(key) != at)
            {
                return true;
            }
        }
        return false;
    }

    /** Deletes the file and creates an empty one (heads that are ahead of the queue: a power cut lost its tail). */
    static AccountHeads recreate(final Path feedDir, final long maxAccounts) throws IOException
    {
        return open(feedDir, maxAccounts, true);
    }

    private static AccountHeads open(final Path feedDir, final long maxAccounts, final boolean discard)
        throws IOException
    {
        final Path file = feedDir.resolve(FILE);
        final long capacity = capacityFor(maxAccounts);
        final long size = HEADER + capacity * 16;
        boolean fresh = true;
        if (!discard && Files.exists(file) && Files.size(file) == size)
        {
            try (AccountHeads existing = map(file, capacity, FileChannel.MapMode.READ_ONLY))
            {
                fresh = existing.getLong(0) != MAGIC || existing.getLong(8) != VERSION
                    || existing.getLong(16) != capacity;
            }
        }
        if (fresh)
        {
            Files.deleteIfExists(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                channel.truncate(0);
                channel.write(java.nio.ByteBuffer.allocate(1), size - 1); // sparse: zero until written
            }
        }
        final AccountHeads heads = map(file, capacity, FileChannel.MapMode.READ_WRITE);
        if (fresh)
        {
            heads.putLong(16, capacity);
            heads.putLong(8, VERSION);
            heads.putLong(THROUGH, 0);
            heads.putLong(0, MAGIC);
        }
        return heads;
    }

    /**
     * Opens the file read-only.
     *
     * @throws IOException when it is missing or does not verify.
     */
    static AccountHeads openForReading(final Path feedDir) throws IOException
    {
        final Path file = feedDir.resolve(FILE);
        final long size = Files.size(file);
        final long capacity = (size - HEADER) / 16;
        if (size < HEADER + 16 * 16 || Long.bitCount(capacity) != 1 || HEADER + capacity * 16 != size)
        {
            throw new IOException(file + " is " + size + " bytes: not an account heads file");
        }
        final AccountHeads heads = map(file, capacity, FileChannel.MapMode.READ_ONLY);
        if (heads.getLong(0) != MAGIC || heads.getLong(16) != capacity)
        {
            heads.close();
            throw new IOException(file + " is not an account heads file (bad magic or capacity)");
        }
        return heads;
    }

    private static AccountHeads map(final Path file, final long capacity, final FileChannel.MapMode mode)
        throws IOException
    {
        final long size = HEADER + capacity * 16;
        final int count = (int)((size + CHUNK - 1) >>> CHUNK_SHIFT);
        final MappedByteBuffer[] chunks = new MappedByteBuffer[count];
        try (FileChannel channel = mode == FileChannel.MapMode.READ_ONLY
            ? FileChannel.open(file, StandardOpenOption.READ)
            : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            for (int i = 0; i < count; i++)
            {
                final long start = (long)i << CHUNK_SHIFT;
                chunks[i] = channel.map(mode, start, Math.min(CHUNK, size - start));
            }
        }
        return new AccountHeads(chunks, capacity);
    }

    private long getLong(final long offset)
    {
        return (long)LONGS.getAcquire(chunks[(int)(offset >>> CHUNK_SHIFT)], (int)(offset & (CHUNK - 1)));
    }

    private void putLong(final long offset, final long value)
    {
        LONGS.setRelease(chunks[(int)(offset >>> CHUNK_SHIFT)], (int)(offset & (CHUNK - 1)), value);
    }

    /** @return the last feed entry whose heads are stored. */
    long through()
    {
        return getLong(THROUGH);
    }

    /** Writer: every entry up to {@code txId} has its heads stored. */
    void through(final long txId)
    {
        putLong(THROUGH, txId);
    }

    /** @return the newest feed transaction that touched {@code account}, or 0. */
    long get(final long account)
    {
        final long at = probe(account + 1);
        return getLong(at) == account + 1 ? getLong(at + 8) : 0;
    }

    /** Writer: {@code txId} is now the newest transaction that touched {@code account}. */
    void put(final long account, final long txId)
    {
        final long key = account + 1;
        final long at = probe(key);
        putLong(at + 8, txId);      // the value first: a reader that sees the key sees its value
        if (getLong(at) == 0)
        {
            putLong(at, key);
        }
    }

    /** @return the offset of {@code key}'s slot, or of the empty slot where it belongs. */
    private long probe(final long key)
    {
        long i = mix(key) & mask;
        for (long probes = 0; probes < capacity; probes++)
        {
            final long at = HEADER + i * 16;
            final long k = getLong(at);
            if (k == key || k == 0)
            {
                return at;
            }
            i = (i + 1) & mask;
        }
        throw new IllegalStateException("account heads table full (" + capacity + " entries)");
    }

    private static long mix(final long key)
    {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    @Override
    public void close()
    {
        // mappings are released by the GC; nothing is buffered
    }
}
