package io.roda.snapshotter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.roda.common.FileWindow;

/** Writes, lists, validates and loads snapshot files. */
public final class SnapshotFiles
{
    /** Receives each account of a loaded snapshot. */
    @FunctionalInterface
    public interface EntryConsumer
    {
        /** @param account id (0 for the system account). @param balance balance. @param lastTxId last change. */
        void accept(long account, long balance, long lastTxId);
    }

    /** Supplies the entries of a snapshot being written. */
    @FunctionalInterface
    public interface EntrySource
    {
        /** Calls {@code sink} once per account, the system account excluded. */
        void forEach(EntryConsumer sink);
    }

    /** The header facts of a valid snapshot. */
    public record Info(Path file, long txId, long accounts, long systemBalance)
    {
    }

    /** Thrown for a damaged snapshot; names the file and offset. */
    public static final class SnapshotCorruptionException extends IOException
    {
        private static final long serialVersionUID = 1L;

        /** @param file the snapshot. @param offset where. @param reason what. */
        public SnapshotCorruptionException(final Path file, final long offset, final String reason)
        {
            super(file + " at offset " + offset + ": " + reason);
        }
    }

    private SnapshotFiles()
    {
    }

    /** @return snapshot files in {@code dir}, newest first; empty when the directory is absent. */
    public static List<Path> list(final Path dir) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SnapshotFormat.SUFFIX))
        {
            for (final Path file : stream)
            {
                if (txIdOf(file) >= 0)
                {
                    files.add(file);
                }
            }
        }
        files.sort((a, b) -> Long.compare(txIdOf(b), txIdOf(a)));
        return files;
    }

    /** @return the tx id in a snapshot's file name. */
    public static long txIdOf(final Path file)
    {
        return SnapshotFormat.parseFileName(file.getFileName().toString());
    }

    /**
     * Writes the snapshot of the state after {@code txId} durably: temporary file, force, rename,
     * directory force.
     *
     * @return the snapshot file.
     */
    public static Path write(final Path dir, final long txId, final long accounts, final long systemBalance,
        final long systemLastTxId, final EntrySource entries) throws IOException
    {
        final Path target = dir.resolve(SnapshotFormat.fileName(txId));
        final Path temp = dir.resolve(SnapshotFormat.fileName(txId) + ".tmp");
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            buffer.putLong(SnapshotFormat.MAGIC).putInt(SnapshotFormat.VERSION).putInt(SnapshotFormat.ENTRY_LENGTH)
                .putLong(txId).putLong(accounts).putLong(systemBalance).putLong(systemLastTxId).putLong(0);
            final CRC32C headerCrc = new CRC32C();
            headerCrc.update(buffer.duplicate().flip());
            buffer.putInt((int)headerCrc.getValue()).putInt(0);
            final long[] written = new long[1];
            final IOException[] failure = new IOException[1];
            entries.forEach((account, balance, lastTxId) ->
            {
                if (failure[0] != null)
                {
                    return;
                }
                try
                {
                    if (buffer.remaining() < SnapshotFormat.ENTRY_LENGTH)
                    {
                        drain(channel, buffer, crc);
                    }
                    buffer.putLong(account).putLong(balance).putLong(lastTxId);
                    written[0]++;
                }
                catch (final IOException e)
                {
                    failure[0] = e;
                }
            });
            if (failure[0] != null)
            {
                throw failure[0];
            }
            if (written[0] != accounts)
            {
                throw new IllegalStateException("snapshot of tx " + txId + " expected " + accounts
                    + " accounts, got " + written[0]);
            }
            drain(channel, buffer, crc);
            buffer.putInt((int)crc.getValue()).putInt(0).putLong(SnapshotFormat.END_MAGIC).flip();
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
        return target;
    }

    private static void drain(final FileChannel channel, final ByteBuffer buffer, final CRC32C crc) throws IOException
    {
        buffer.flip();
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Forces a directory's entries to disk. */
    public static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /**
     * Verifies {@code file} completely (checksums, sizes, zero sum) and then hands every entry to
     * {@code consumer}, the system account first. Nothing is handed over from a damaged file. Read with
     * positional reads, never mapped: a read fault is an IOException naming the file and offset.
     *
     * @throws SnapshotCorruptionException naming the file and offset of the damage.
     */
    public static Info load(final Path file, final EntryConsumer consumer) throws IOException
    {
        try (FileWindow data = FileWindow.open(file))
        {
            return load(file, data, consumer);
        }
    }

    /**
     * Verifies {@code file} completely, loading nothing.
     *
     * @throws SnapshotCorruptionException naming the file and offset of the damage.
     */
    public static Info verify(final Path file) throws IOException
    {
        return load(file, (account, balance, lastTxId) -> { });
    }

    private static Info load(final Path file, final FileWindow data, final EntryConsumer consumer) throws IOException
    {
        final long size = data.size();
        if (size < SnapshotFormat.HEADER_LENGTH + SnapshotFormat.TRAILER_LENGTH)
        {
            throw new SnapshotCorruptionException(file, 0, "impossible size " + size);
        }
        final ByteBuffer header = data.window(0, SnapshotFormat.HEADER_LENGTH).slice(data.indexOf(0),
            SnapshotFormat.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getLong(0) != SnapshotFormat.MAGIC)
        {
            throw new SnapshotCorruptionException(file, 0, "bad magic");
        }
        final CRC32C crc = new CRC32C();
        crc.update(header.duplicate().position(0).limit(56));
        if (header.getInt(56) != (int)crc.getValue())
        {
            throw new SnapshotCorruptionException(file, 56, "header checksum mismatch");
        }
        if (header.getInt(8) != SnapshotFormat.VERSION || header.getInt(12) != SnapshotFormat.ENTRY_LENGTH)
        {
            throw new SnapshotCorruptionException(file, 8, "unsupported version " + header.getInt(8));
        }
        final long txId = header.getLong(16);
        final long accounts = header.getLong(24);
        final long systemBalance = header.getLong(32);
        final long systemLastTxId = header.getLong(40);
        if (accounts < 0 || accounts > (Long.MAX_VALUE - SnapshotFormat.HEADER_LENGTH) / SnapshotFormat.ENTRY_LENGTH
            || SnapshotFormat.HEADER_LENGTH + accounts * SnapshotFormat.ENTRY_LENGTH + SnapshotFormat.TRAILER_LENGTH != size)
        {
            throw new SnapshotCorruptionException(file, 24, "header claims " + accounts + " accounts but the file is "
                + size + " bytes");
        }
        if (txId != txIdOf(file))
        {
            throw new SnapshotCorruptionException(file, 16, "holds transaction " + txId + " but is named for "
                + txIdOf(file));
        }
        final long trailer = size - SnapshotFormat.TRAILER_LENGTH;
        crc.reset();
        final int chunk = SnapshotFormat.ENTRY_LENGTH << 15;
        for (long at = 0; at < trailer; at += chunk)
        {
            final int count = (int)Math.min(chunk, trailer - at);
            final ByteBuffer b = data.window(at, count);
            final int index = data.indexOf(at);
            crc.update(b.duplicate().limit(index + count).position(index));
        }
        final ByteBuffer end = data.window(trailer, SnapshotFormat.TRAILER_LENGTH);
        final int endAt = data.indexOf(trailer);
        if (end.getInt(endAt) != (int)crc.getValue() || end.getLong(endAt + 8) != SnapshotFormat.END_MAGIC)
        {
            throw new SnapshotCorruptionException(file, trailer, "body checksum mismatch");
        }
        long sum = systemBalance;
        for (long at = SnapshotFormat.HEADER_LENGTH; at < trailer; at += SnapshotFormat.ENTRY_LENGTH)
        {
            final ByteBuffer b = data.window(at, SnapshotFormat.ENTRY_LENGTH);
            final int i = data.indexOf(at);
            if (b.getLong(i) <= 0)
            {
                throw new SnapshotCorruptionException(file, at, "invalid account id " + b.getLong(i));
            }
            sum += b.getLong(i + 8);
        }
        if (sum != 0)
        {
            throw new SnapshotCorruptionException(file, SnapshotFormat.HEADER_LENGTH,
                "balances sum to " + sum + ", not zero");
        }
        consumer.accept(0, systemBalance, systemLastTxId);
        for (long at = SnapshotFormat.HEADER_LENGTH; at < trailer; at += SnapshotFormat.ENTRY_LENGTH)
        {
            final ByteBuffer b = data.window(at, SnapshotFormat.ENTRY_LENGTH);
            final int i = data.indexOf(at);
            consumer.accept(b.getLong(i), b.getLong(i + 8), b.getLong(i + 16));
        }
        return new Info(file, txId, accounts, systemBalance);
    }
}
