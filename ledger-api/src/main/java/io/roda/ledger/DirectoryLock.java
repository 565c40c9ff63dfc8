package io.roda.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock on {@code DIR/LOCK}: an open ledger holds it exclusively; readers (recover, inspect, balances)
 * hold it shared, so they never read files a ledger is writing, and a ledger never opens beside them.
 * Advisory (fcntl on Linux), released when the process dies.
 */
public final class DirectoryLock implements AutoCloseable
{
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the shared lock of an existing directory.
     *
     * @throws DirectoryInUseException when a ledger has the directory open.
     * @throws LedgerException         when the lock file cannot be opened.
     */
    public static DirectoryLock shared(final Path dir)
    {
        return take(dir, true);
    }

    /**
     * Takes the exclusive lock.
     *
     * @throws DirectoryInUseException when a ledger or a reader has the directory open.
     */
    static DirectoryLock exclusive(final Path dir)
    {
        return take(dir, false);
    }

    private static DirectoryLock take(final Path dir, final boolean shared)
    {
        final Path file = dir.resolve("LOCK");
        FileChannel channel = null;
        try
        {
            if (shared && !Files.isDirectory(dir))
            {
                throw new LedgerException("ledger directory " + dir + " does not exist", null);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            }
            catch (final OverlappingFileLockException e)
            {
                lock = null; // this JVM holds a conflicting lock on it
            }
            if (lock == null)
            {
                throw new DirectoryInUseException(shared
                    ? dir + " is in use by an open ledger; stop it (or wait for it to close) before reading it"
                    : dir + " is in use by another open ledger or a tool reading it (" + file + " is locked)");
            }
            return new DirectoryLock(channel, lock);
        }
        catch (final IOException e)
        {
            closeQuietly(channel);
            throw new LedgerException("cannot lock " + file + ": " + e, e);
        }
        catch (final RuntimeException e)
        {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // already failing
            }
        }
    }

    /** Releases the lock. */
    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
