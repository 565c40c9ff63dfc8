package io.roda.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every file operation the ledger's durable state goes through: WAL segments, snapshots, the LEDGER file, the
 * LOCK file, directory listings and directory forces. {@link #FILES} is the real file system; the simulator's
 * disk ({@code io.roda.simulator.SimDisk}) implements the same interface, so power cuts and disk faults are
 * tested against the real pipeline and recovery code instead of a copy of it.
 *
 * <p>The durability contract the ledger relies on (docs/STORAGE.md states the model):
 * <ul>
 *   <li>data written to a channel is durable once {@link FileChannel#force} on that channel returns;</li>
 *   <li>a create, rename or delete is durable once {@link #forceDirectory} of its directory returns;</li>
 *   <li>{@link #move} is atomic: after a crash the target names the old file or the new one, never neither.</li>
 * </ul>
 * Channels support positional and relative reads and writes, {@code size}, {@code truncate}, {@code force} and
 * {@code tryLock}/{@code lock}; the ledger's durable state never maps a file through this interface.
 *
 * <p>Every method is thread-safe: the WAL storer, the snapshotter and callers of the API use it concurrently.
 */
public interface Storage
{
    /** The real file system. */
    Storage FILES = new Storage()
    {
        @Override
        public String toString()
        {
            return "files";
        }
    };

    /**
     * Opens a file channel.
     *
     * @throws java.nio.file.NoSuchFileException      when the file is absent and not created.
     * @throws java.nio.file.FileAlreadyExistsException for {@link StandardOpenOption#CREATE_NEW} on an existing file.
     */
    default FileChannel open(final Path file, final OpenOption... options) throws IOException
    {
        return FileChannel.open(file, options);
    }

    /** Forces a directory's entries to disk, so a file created, renamed or deleted in it stays so after a crash. */
    default void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true); // fsync on a read-only directory channel: supported on Linux and macOS
        }
    }

    /**
     * @return the entries of {@code directory} whose file names end with {@code suffix}, in no particular order;
     *         empty when the directory does not exist.
     */
    default List<Path> list(final Path directory, final String suffix) throws IOException
    {
        final List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + suffix))
        {
            for (final Path file : stream)
            {
                found.add(file);
            }
        }
        return found;
    }

    /** @return whether {@code path} exists. */
    default boolean exists(final Path path)
    {
        return Files.exists(path);
    }

    /** @return whether {@code path} is a directory. */
    default boolean isDirectory(final Path path)
    {
        return Files.isDirectory(path);
    }

    /** Creates {@code directory} and any missing parents (not forced: force the parent to make it durable). */
    default void createDirectories(final Path directory) throws IOException
    {
        Files.createDirectories(directory);
    }

    /** Renames {@code source} to {@code target} atomically, replacing any {@code target} (not forced). */
    default void move(final Path source, final Path target) throws IOException
    {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Deletes a file (not forced).
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist.
     */
    default void delete(final Path file) throws IOException
    {
        Files.delete(file);
    }

    /** @return whether the file existed and was deleted (not forced). */
    default boolean deleteIfExists(final Path file) throws IOException
    {
        return Files.deleteIfExists(file);
    }

    /** @return the size of a file in bytes. */
    default long size(final Path file) throws IOException
    {
        return Files.size(file);
    }

    /**
     * @return whether this is the real file system. Components that need real files (the feed's Chronicle queue,
     *         memory-mapped stores) refuse any other storage.
     */
    default boolean real()
    {
        return true;
    }
}
