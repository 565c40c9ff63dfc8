package io.roda.ledger.tests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.roda.storage.Storage;

/**
 * WAL channels over real files with a hook before every force and every write: the seam through which
 * tests inject a failing disk (the hook throws) or a slow or stuck one (the hook waits).
 */
final class FaultyChannels implements Storage
{
    /** Runs before a force or a write; throwing fails it. */
    @FunctionalInterface
    interface Hook
    {
        void run() throws IOException;
    }

    private final Hook beforeForce;
    private final Hook beforeWrite;

    FaultyChannels(final Hook beforeForce, final Hook beforeWrite)
    {
        this.beforeForce = beforeForce;
        this.beforeWrite = beforeWrite;
    }

    /** Channels whose forces fail after {@code forces} of them (an fsync error), and writes after {@code writes} (a full disk). */
    static FaultyChannels failingAfter(final int forces, final int writes)
    {
        final AtomicInteger forcesLeft = new AtomicInteger(forces);
        final AtomicInteger writesLeft = new AtomicInteger(writes);
        return new FaultyChannels(() ->
        {
            if (forcesLeft.decrementAndGet() < 0)
            {
                throw new IOException("injected: fsync failed");
            }
        }, () ->
        {
            if (writesLeft.decrementAndGet() < 0)
            {
                throw new IOException("No space left on device");
            }
        });
    }

    @Override
    public FileChannel open(final Path file, final OpenOption... options) throws IOException
    {
        return new FaultyChannel(FileChannel.open(file, options));
    }

    final class FaultyChannel extends FileChannel
    {
        private final FileChannel delegate;

        FaultyChannel(final FileChannel delegate)
        {
            this.delegate = delegate;
        }

        private void writeGate() throws IOException
        {
            beforeWrite.run();
        }

        @Override
        public void force(final boolean metaData) throws IOException
        {
            beforeForce.run();
            delegate.force(metaData);
        }

        @Override
        public int write(final ByteBuffer src, final long position) throws IOException
        {
            writeGate();
            return delegate.write(src, position);
        }

        @Override
        public int write(final ByteBuffer src) throws IOException
        {
            writeGate();
            return delegate.write(src);
        }

        @Override
        public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
        {
            writeGate();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int read(final ByteBuffer dst) throws IOException
        {
            return delegate.read(dst);
        }

        @Override
        public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
        {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(final ByteBuffer dst, final long position) throws IOException
        {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException
        {
            return delegate.position();
        }

        @Override
        public FileChannel position(final long newPosition) throws IOException
        {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException
        {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(final long size) throws IOException
        {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(final long position, final long count, final WritableByteChannel target) throws IOException
        {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(final ReadableByteChannel src, final long position, final long count) throws IOException
        {
            writeGate();
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
        {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(final long position, final long size, final boolean shared) throws IOException
        {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(final long position, final long size, final boolean shared) throws IOException
        {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException
        {
            delegate.close();
        }
    }
}
