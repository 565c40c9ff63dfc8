package io.roda.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import io.roda.storage.Storage;

/**
 * The lock on {@code DIR/LOCK}: an open ledger holds it exclusively; readers (recover, inspect, balances)
 * hold it shared, so they never read files a ledger is writing, and a ledger never opens beside them.
 * Advisory (fcntl on Linux), released when the process dies.
 */
public final class DirectoryLock implements AutoCloseable
{
    /**
     * Locks this JVM holds, by directory. fcntl locks belong to the process, and closing <em>any</em> channel
     * on the file releases them all, so this JVM must never open a second channel on a LOCK it holds: a
     * refused attempt would silently unlock the directory for other processes.
     */
    private static final Map<Object, FileLock> HELD = new HashMap<>();

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
        return take(Storage.FILES, dir, true);
    }

    /** As {@link #shared(Path)}, for a directory of {@code storage}. */
    public static DirectoryLock shared(final Storage storage, final Path dir)
    {
        return take(storage, dir, true);
    }

    /**
     * Takes the exclusive lock.
     *
     * @throws DirectoryInUseException when a ledger or a reader has the directory open.
     */
    static DirectoryLock exclusive(final Path dir)
    {
        return take(Storage.FILES, dir, false);
    }

    /**
     * @throws DirectoryInUseException when this JVM holds the lock of {@code dir} (then no channel may be
     *                                 opened on it; see {@link #HELD}).
     */
    static synchronized void checkNotHeldHere(final Storage storage, final Path dir) throws IOException
    {
        final FileLock held = HELD.get(key(storage, dir));
        if (held != null && held.isValid())
        {
            throw new DirectoryInUseException(dir + " is in use by " + (held.isShared() ? "a tool reading it"
                : "an open ledger") + " in this process");
        }
    }

    /** Records that this JVM holds {@code lock} on {@code dir}'s LOCK file; it counts until released. */
    static synchronized void register(final Storage storage, final Path dir, final FileLock lock) throws IOException
    {
        HELD.put(key(storage, dir), lock);
    }

    /**
     * Forgets {@code lock} (may be null) once it is released or its open failed: an entry left behind would keep
     * its channel, and a simulated disk with all its files, reachable for as long as the JVM runs.
     */
    private static synchronized void unregister(final FileLock lock)
    {
        if (lock != null)
        {
            HELD.values().remove(lock);
        }
    }

    /** @return how many locks this JVM holds (for tests). */
    static synchronized int held()
    {
        return HELD.size();
    }

    /** The real path of a real directory; a simulated one is told apart by its storage (each boot its own). */
    private static Object key(final Storage storage, final Path dir) throws IOException
    {
        return storage.real() ? dir.toRealPath() : java.util.List.of(storage, dir.toAbsolutePath().normalize());
    }

    private static synchronized DirectoryLock take(final Storage storage, final Path dir, final boolean shared)
    {
        final Path file = dir.resolve("LOCK");
        FileChannel channel = null;
        try
        {
            if (shared && !storage.isDirectory(dir))
            {
                throw new LedgerException("ledger directory " + dir + " does not exist", null);
            }
            checkNotHeldHere(storage, dir);
            channel = storage.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
            register(storage, dir, lock);
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

    /** Closes {@code channel} (may be null), ignoring an error: for paths that are already failing. */
    static void closeQuietly(final FileChannel channel)
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
        release(lock, channel);
    }

    /**
     * Forgets {@code lock}, releases it and closes its channel, ignoring errors (closing the channel releases the
     * lock too). Either may be null: an open that failed part-way gives back what it took.
     */
    static void release(final FileLock lock, final FileChannel channel)
    {
        unregister(lock);
        if (lock != null)
        {
            try
            {
                lock.release();
            }
            catch (final IOException ignored)
            {
                // the channel close below releases it too
            }
        }
        closeQuietly(channel);
    }
}
