package io.roda.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens WAL files and forces directories. The seam through which tests inject a failing disk.
 */
public interface WalChannelFactory
{
    /** The real file system. */
    WalChannelFactory DEFAULT = new WalChannelFactory()
    {
    };

    /** Opens a file channel. */
    default FileChannel open(final Path file, final OpenOption... options) throws IOException
    {
        return FileChannel.open(file, options);
    }

    /** Forces a directory's entries to disk, so a created or renamed file survives a crash. */
    default void forceDirectory(final Path directory) throws IOException
    {
        forceDirectoryOf(directory);
    }

    /** Forces {@code directory} with fsync on a read-only channel (supported on Linux and macOS). */
    static void forceDirectoryOf(final Path directory) throws IOException
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
    }
}
