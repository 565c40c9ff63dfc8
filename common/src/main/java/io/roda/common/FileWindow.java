package io.roda.common;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.roda.storage.Storage;

/**
 * Reads a file through a window of positional {@link FileChannel} reads into one reusable heap buffer,
 * for recovery and verification. Never memory-mapped: a read fault (I/O error, a hole a full tmpfs cannot
 * back) is then an {@link IOException} naming the file and offset instead of a {@code SIGBUS} that kills
 * the JVM. Not thread-safe.
 *
 * <p>{@link #window(long, int)} makes a range of the file resident and returns the buffer; the range starts
 * at buffer index {@link #indexOf(long)}. The buffer's contents are replaced by the next call.
 */
public final class FileWindow implements AutoCloseable
{
    private static final int DEFAULT_CHUNK = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private ByteBuffer buffer;
    private long start;
    private int length;

    private FileWindow(final Path file, final FileChannel channel, final long size)
    {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.buffer = ByteBuffer.allocate((int)Math.min(DEFAULT_CHUNK, Math.max(64, size))).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Opens {@code file} of the real file system for reading. */
    public static FileWindow open(final Path file) throws IOException
    {
        return open(Storage.FILES, file);
    }

    /** Opens {@code file} of {@code storage} for reading. */
    public static FileWindow open(final Storage storage, final Path file) throws IOException
    {
        final FileChannel channel = storage.open(file, StandardOpenOption.READ);
        try
        {
            return new FileWindow(file, channel, channel.size());
        }
        catch (final IOException | RuntimeException e)
        {
            channel.close();
            throw e;
        }
    }

    /** @return the file's size when it was opened. */
    public long size()
    {
        return size;
    }

    /** @return the file. */
    public Path file()
    {
        return file;
    }

    /**
     * Makes bytes {@code [position, position + count)} resident.
     *
     * @return the buffer holding them, little-endian, from index {@link #indexOf(long) indexOf(position)}.
     * @throws IOException naming the file and offset when the read fails or the file ends early.
     */
    public ByteBuffer window(final long position, final int count) throws IOException
    {
        if (position < 0 || count < 0 || position + count > size)
        {
            throw new EOFException(file + " at offset " + position + ": cannot read " + count + " bytes of a "
                + size + "-byte file");
        }
        if (position >= start && position + count <= start + length)
        {
            return buffer;
        }
        if (buffer.capacity() < count)
        {
            buffer = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
        }
        final int want = (int)Math.min(buffer.capacity(), size - position);
        buffer.clear().limit(want);
        long at = position;
        try
        {
            while (buffer.hasRemaining())
            {
                final int read = channel.read(buffer, at);
                if (read < 0)
                {
                    throw new EOFException("the file ended early (it shrank while being read)");
                }
                at += read;
            }
        }
        catch (final IOException e)
        {
            length = 0;
            throw new IOException("cannot read " + file + " at offset " + at + ": " + e.getMessage(), e);
        }
        buffer.clear();
        start = position;
        length = want;
        return buffer;
    }

    /** @return the buffer index of file offset {@code position}, valid after a window holding it. */
    public int indexOf(final long position)
    {
        return (int)(position - start);
    }

    /** @return the little-endian int at {@code position}. */
    public int getInt(final long position) throws IOException
    {
        return window(position, 4).getInt(indexOf(position));
    }

    /** @return the little-endian long at {@code position}. */
    public long getLong(final long position) throws IOException
    {
        return window(position, 8).getLong(indexOf(position));
    }

    /** @return the byte at {@code position}. */
    public byte get(final long position) throws IOException
    {
        return window(position, 1).get(indexOf(position));
    }

    /** @return whether every byte in {@code [from, to)} is zero. */
    public boolean allZero(final long from, final long to) throws IOException
    {
        long at = from;
        while (at < to)
        {
            final int count = (int)Math.min(to - at, DEFAULT_CHUNK);
            final ByteBuffer b = window(at, count);
            final int base = indexOf(at);
            int i = 0;
            for (; i + 8 <= count; i += 8)
            {
                if (b.getLong(base + i) != 0)
                {
                    return false;
                }
            }
            for (; i < count; i++)
            {
                if (b.get(base + i) != 0)
                {
                    return false;
                }
            }
            at += count;
        }
        return true;
    }

    /** @return bytes from {@code from} up to and including the last non-zero byte before {@code to}. */
    public long nonZeroExtent(final long from, final long to) throws IOException
    {
        long end = to;
        while (end > from)
        {
            final int count = (int)Math.min(end - from, DEFAULT_CHUNK);
            final long chunkStart = end - count;
            final ByteBuffer b = window(chunkStart, count);
            final int base = indexOf(chunkStart);
            for (int i = count - 1; i >= 0; i--)
            {
                if (b.get(base + i) != 0)
                {
                    return chunkStart + i - from + 1;
                }
            }
            end = chunkStart;
        }
        return 0;
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
