package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerFailedException;
import io.roda.ledger.Level;
import io.roda.wal.WalChannelFactory;

/**
 * A disk that fails: after N successful forces (or writes) the WAL channel throws, as fsync errors or
 * a full file system do. The ledger must stop, report the error, never report later transactions
 * committed, and lose nothing it did acknowledge.
 */
class FailingDiskTest
{
    @TempDir
    Path dir;

    @Test
    void failedForceStopsTheLedgerAndLosesNoAcknowledgedCommit() throws Exception
    {
        check(new FailingChannels(20, Integer.MAX_VALUE), "injected: fsync failed");
    }

    @Test
    void fullDiskOnWriteStopsTheLedgerAndLosesNoAcknowledgedCommit() throws Exception
    {
        check(new FailingChannels(Integer.MAX_VALUE, 20), "No space left on device");
    }

    private void check(final FailingChannels channels, final String expectedError) throws Exception
    {
        final LedgerConfig config = LedgerConfig.builder(dir).maxBatch(64).walChannels(channels).build();
        final Ledger ledger = Ledger.open(config);
        long acknowledged = 0;
        LedgerFailedException failure = null;
        try
        {
            ledger.openAccount(1);
            for (int i = 0; i < 1_000_000 && failure == null; i++)
            {
                final long id = ledger.deposit(1, 1);
                if (i % 50 == 0 && ledger.await(id, Level.COMMITTED, Duration.ofSeconds(10)))
                {
                    acknowledged = id;
                }
            }
        }
        catch (final LedgerFailedException e)
        {
            failure = e;
        }
        assertTrue(failure != null, "the ledger reported the failure to its callers");
        assertTrue(String.valueOf(failure.getCause()).contains(expectedError), String.valueOf(failure.getCause()));
        final long committed = ledger.commitIndex();
        assertTrue(committed >= acknowledged);
        assertThrows(LedgerFailedException.class, () -> ledger.deposit(1, 1), "no more work is accepted");
        assertThrows(LedgerFailedException.class, ledger::close, "close reports the failure too");
        assertEquals(committed, ledger.commitIndex(), "nothing more is ever reported committed");

        try (Ledger reopened = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            assertTrue(reopened.recoveryReport().lastTxId() >= committed,
                "every acknowledged commit survived: " + reopened.recoveryReport());
            assertEquals(reopened.recoveryReport().lastTxId() - 1,
                reopened.balance(1).orElseThrow().balance(), "one unit per deposit recovered");
        }
    }

    /** Opens real channels that fail after a number of forces or writes. */
    static final class FailingChannels implements WalChannelFactory
    {
        private final AtomicInteger forcesLeft;
        private final AtomicInteger writesLeft;

        FailingChannels(final int forces, final int writes)
        {
            forcesLeft = new AtomicInteger(forces);
            writesLeft = new AtomicInteger(writes);
        }

        @Override
        public FileChannel open(final Path file, final OpenOption... options) throws IOException
        {
            return new FailingChannel(FileChannel.open(file, options));
        }

        final class FailingChannel extends FileChannel
        {
            private final FileChannel delegate;

            FailingChannel(final FileChannel delegate)
            {
                this.delegate = delegate;
            }

            private void writeGate() throws IOException
            {
                if (writesLeft.decrementAndGet() < 0)
                {
                    throw new IOException("No space left on device");
                }
            }

            @Override
            public void force(final boolean metaData) throws IOException
            {
                if (forcesLeft.decrementAndGet() < 0)
                {
                    throw new IOException("injected: fsync failed");
                }
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
}
