package io.roda.simulator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A channel on a simulated file. It belongs to the boot that opened it: once the power is lost every operation
 * throws {@code IOException("power lost")} and closing does nothing. Reads and writes go to the file's current
 * content; {@link #force} makes the file's data and length durable. Scatter/gather reads and writes loop over the
 * buffers (not atomic across them); transfers and mapping are not supported.
 */
final class SimChannel extends FileChannel
{
    private final SimDisk disk;
    private final SimDisk.Boot boot;
    private final SimInode inode;
    private final Path path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean sync;
    private long position;

    SimChannel(final SimDisk disk, final SimDisk.Boot boot, final SimInode inode, final Path path,
        final boolean readable, final boolean writable, final boolean append, final boolean sync)
    {
        this.disk = disk;
        this.boot = boot;
        this.inode = inode;
        this.path = path;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.sync = sync;
    }

    @Override
    public int read(final ByteBuffer dst) throws IOException
    {
        synchronized (disk)
        {
            ensureReadable();
            final int read = readAt(dst, position);
            if (read > 0)
            {
                position += read;
            }
            return read;
        }
    }

    @Override
    public int read(final ByteBuffer dst, final long at) throws IOException
    {
        if (at < 0)
        {
            throw new IllegalArgumentException("negative position " + at);
        }
        synchronized (disk)
        {
            ensureReadable();
            return readAt(dst, at);
        }
    }

    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
    {
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            final int read = read(dsts[i]);
            if (read < 0)
            {
                return total == 0 ? -1 : total;
            }
            total += read;
            if (dsts[i].hasRemaining())
            {
                break;
            }
        }
        return total;
    }

    @Override
    public int write(final ByteBuffer src) throws IOException
    {
        synchronized (disk)
        {
            ensureWritable();
            if (append)
            {
                position = inode.length();
            }
            final int written = writeAt(src, position);
            position += written;
            return written;
        }
    }

    @Override
    public int write(final ByteBuffer src, final long at) throws IOException
    {
        if (at < 0)
        {
            throw new IllegalArgumentException("negative position " + at);
        }
        synchronized (disk)
        {
            ensureWritable();
            return writeAt(src, at);
        }
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
    {
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long position() throws IOException
    {
        synchronized (disk)
        {
            ensureOpen();
            return append ? inode.length() : position;
        }
    }

    @Override
    public FileChannel position(final long newPosition) throws IOException
    {
        if (newPosition < 0)
        {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        synchronized (disk)
        {
            ensureOpen();
            position = newPosition;
            return this;
        }
    }

    @Override
    public long size() throws IOException
    {
        synchronized (disk)
        {
            ensureOpen();
            return inode.length();
        }
    }

    @Override
    public FileChannel truncate(final long size) throws IOException
    {
        if (size < 0)
        {
            throw new IllegalArgumentException("negative size " + size);
        }
        synchronized (disk)
        {
            ensureWritable();
            if (size < inode.length())
            {
                disk.mutate(boot, SimDisk.Mutation.WRITE, "truncate", path, size);
                inode.truncate((int)size);
                forceIfSync();
            }
            if (position > size)
            {
                position = size;
            }
            return this;
        }
    }

    @Override
    public void force(final boolean metaData) throws IOException
    {
        synchronized (disk)
        {
            ensureOpen();
            disk.mutate(boot, SimDisk.Mutation.FORCE, "force", path, -1);
            if (!disk.lying())
            {
                inode.force();
            }
        }
    }

    @Override
    public long transferTo(final long at, final long count, final WritableByteChannel target)
    {
        throw new UnsupportedOperationException("the simulated disk does not transfer between channels");
    }

    @Override
    public long transferFrom(final ReadableByteChannel src, final long at, final long count)
    {
        throw new UnsupportedOperationException("the simulated disk does not transfer between channels");
    }

    @Override
    public MappedByteBuffer map(final MapMode mode, final long at, final long size)
    {
        throw new UnsupportedOperationException("the simulated disk does not map files");
    }

    @Override
    public FileLock lock(final long at, final long size, final boolean shared) throws IOException
    {
        synchronized (disk)
        {
            while (true)
            {
                final FileLock lock = tryLock(at, size, shared);
                if (lock != null)
                {
                    return lock;
                }
                try
                {
                    disk.wait();
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new FileLockInterruptionException();
                }
                if (disk.alive(boot) && !isOpen())
                {
                    throw new AsynchronousCloseException();
                }
            }
        }
    }

    @Override
    public FileLock tryLock(final long at, final long size, final boolean shared) throws IOException
    {
        if (at < 0 || size < 0 || at + size < 0)
        {
            throw new IllegalArgumentException("bad lock range: position " + at + ", size " + size);
        }
        synchronized (disk)
        {
            ensureOpen();
            if (shared && !readable)
            {
                throw new NonReadableChannelException();
            }
            if (!shared && !writable)
            {
                throw new NonWritableChannelException();
            }
            for (final SimLock held : inode.locks)
            {
                if (held.acquiredBy() == this && held.overlaps(at, size))
                {
                    throw new OverlappingFileLockException();
                }
            }
            for (final SimLock held : inode.locks)
            {
                if (held.conflicts(this, at, size, shared))
                {
                    return null;
                }
            }
            final SimLock lock = new SimLock(this, disk, boot, inode, at, size, shared);
            inode.locks.add(lock);
            return lock;
        }
    }

    @Override
    protected void implCloseChannel()
    {
        synchronized (disk)
        {
            if (!disk.alive(boot))
            {
                return; // the power is lost: nothing of this boot can change any more
            }
            final Iterator<SimLock> locks = inode.locks.iterator();
            while (locks.hasNext())
            {
                final SimLock lock = locks.next();
                if (lock.acquiredBy() == this)
                {
                    lock.invalidate();
                    locks.remove();
                }
            }
            disk.notifyAll();
        }
    }

    @Override
    public String toString()
    {
        return "SimChannel(" + path + ", boot " + boot.number + ")";
    }

    private int readAt(final ByteBuffer dst, final long at) throws IOException
    {
        final int wanted = dst.remaining();
        if (wanted == 0)
        {
            return 0;
        }
        if (at >= inode.length())
        {
            return -1;
        }
        final int count = (int)Math.min(wanted, inode.length() - at);
        disk.checkRead(path, at, at + count);
        inode.read(dst, (int)at, count);
        return count;
    }

    private int writeAt(final ByteBuffer src, final long at) throws IOException
    {
        final int count = src.remaining();
        if (count == 0)
        {
            return 0;
        }
        disk.mutate(boot, SimDisk.Mutation.WRITE, "write", path, at);
        inode.write(src, at);
        forceIfSync();
        return count;
    }

    private void forceIfSync()
    {
        if (sync && !disk.lying())
        {
            inode.force();
        }
    }

    private void ensureOpen() throws IOException
    {
        disk.checkAlive(boot);
        if (!isOpen())
        {
            throw new ClosedChannelException();
        }
    }

    private void ensureReadable() throws IOException
    {
        ensureOpen();
        if (!readable)
        {
            throw new NonReadableChannelException();
        }
    }

    private void ensureWritable() throws IOException
    {
        ensureOpen();
        if (!writable)
        {
            throw new NonWritableChannelException();
        }
    }
}
