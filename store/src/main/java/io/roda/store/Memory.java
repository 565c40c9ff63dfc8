package io.roda.store;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Ordered access to 8-byte aligned words of a direct or mapped {@link ByteBuffer}, through
 * {@link VarHandle}s, so the store layer needs no {@code Unsafe} and no JVM flags.
 *
 * <p>Every accessor names its memory ordering: {@code plain} (no ordering), {@code opaque}
 * (atomic, no ordering), {@code acquire} (later loads and stores stay after it) and
 * {@code release} (earlier loads and stores stay before it).
 */
public final class Memory
{
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Memory()
    {
    }

    /** Plain load of the little-endian long at {@code offset}. */
    public static long getLong(final ByteBuffer buffer, final int offset)
    {
        return (long)LONGS.get(buffer, offset);
    }

    /** Plain store of a little-endian long at {@code offset}. */
    public static void putLong(final ByteBuffer buffer, final int offset, final long value)
    {
        LONGS.set(buffer, offset, value);
    }

    /** Atomic load with acquire semantics; {@code offset} must be 8-byte aligned. */
    public static long getLongAcquire(final ByteBuffer buffer, final int offset)
    {
        return (long)LONGS.getAcquire(buffer, offset);
    }

    /** Atomic load with no ordering; {@code offset} must be 8-byte aligned. */
    public static long getLongOpaque(final ByteBuffer buffer, final int offset)
    {
        return (long)LONGS.getOpaque(buffer, offset);
    }

    /** Atomic store with release semantics; {@code offset} must be 8-byte aligned. */
    public static void putLongRelease(final ByteBuffer buffer, final int offset, final long value)
    {
        LONGS.setRelease(buffer, offset, value);
    }

    /** Atomic store with no ordering; {@code offset} must be 8-byte aligned. */
    public static void putLongOpaque(final ByteBuffer buffer, final int offset, final long value)
    {
        LONGS.setOpaque(buffer, offset, value);
    }

    /** Bytes per cache line on the machines we run on (x86-64, most AArch64). */
    public static final int CACHE_LINE = 64;

    /**
     * Allocates zeroed, little-endian off-heap memory of {@code bytes} bytes whose first byte starts a cache line
     * (except above {@code Integer.MAX_VALUE - 128} bytes, where there is no room to align).
     */
    public static ByteBuffer allocate(final long bytes, final String what)
    {
        final int size = checkedSize(bytes, what);
        if (size > Integer.MAX_VALUE - 2 * CACHE_LINE)
        {
            return ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN); // no room to align: rare, huge
        }
        // allocateDirect's address is only 16-byte aligned: a 64-byte record would straddle two cache lines
        final ByteBuffer aligned = ByteBuffer.allocateDirect(size + 2 * CACHE_LINE).alignedSlice(CACHE_LINE);
        return aligned.limit(size).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Maps {@code bytes} bytes of {@code file} read-write, creating and extending the file when needed.
     * The mapping stays valid after the channel is closed. The extension is written with real zeros, not
     * left sparse: a full disk then fails here, with an IOException, instead of as a SIGBUS on a later
     * access to a page the file system cannot back.
     */
    public static MappedByteBuffer map(final Path file, final long bytes, final String what) throws IOException
    {
        final int size = checkedSize(bytes, what);
        try (FileChannel channel = FileChannel.open(file,
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            allocate(channel, size, file);
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        }
    }

    private static void allocate(final FileChannel channel, final long size, final Path file) throws IOException
    {
        long at = channel.size();
        if (at >= size)
        {
            return;
        }
        final ByteBuffer zeros = ByteBuffer.allocate((int)Math.min(1 << 20, size - at));
        try
        {
            while (at < size)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), size - at));
                at += channel.write(zeros, at);
            }
        }
        catch (final IOException e)
        {
            throw new IOException("cannot allocate " + size + " bytes for " + file + " (failed at offset " + at
                + "): " + e.getMessage(), e);
        }
    }

    /** Size of an existing file, or -1 when it does not exist. */
    static long fileSize(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.size(file) : -1;
    }

    private static int checkedSize(final long bytes, final String what)
    {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes; a store must fit in 1.."
                + (Integer.MAX_VALUE - 8) + " bytes");
        }
        return (int)bytes;
    }

    /** Rounds {@code value} (at least 1) up to the next power of two. */
    public static int nextPowerOfTwo(final long value)
    {
        if (value > (1 << 30))
        {
            throw new IllegalArgumentException("value too large for a power-of-two table: " + value);
        }
        return value <= 1 ? 1 : Integer.highestOneBit((int)value - 1) << 1;
    }
}
