package io.roda.snapshotter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.roda.common.FileWindow;
import io.roda.core.Holds;
import io.roda.core.LedgerState;
import io.roda.storage.Storage;

/** Writes, lists, validates and loads snapshot files (layout: {@link SnapshotFormat}). */
public final class SnapshotFiles
{
    /** The header facts of a valid snapshot. */
    public record Info(Path file, long txId, long accounts, long holds, long keys, long timestamp)
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
        return list(Storage.FILES, dir);
    }

    /** @return snapshot files in {@code dir} of {@code storage}, newest first; empty when the directory is absent. */
    public static List<Path> list(final Storage storage, final Path dir) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        for (final Path file : storage.list(dir, SnapshotFormat.SUFFIX))
        {
            if (txIdOf(file) >= 0)
            {
                files.add(file);
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

    /** Streams longs into a file through a buffer, checksumming them. */
    private static final class Out
    {
        final FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        IOException failure;

        Out(final FileChannel channel)
        {
            this.channel = channel;
        }

        void put(final long... values)
        {
            if (failure != null)
            {
                return;
            }
            try
            {
                if (buffer.remaining() < 8 * values.length)
                {
                    drain();
                }
                for (final long v : values)
                {
                    buffer.putLong(v);
                }
            }
            catch (final IOException e)
            {
                failure = e;
            }
        }

        void drain() throws IOException
        {
            buffer.flip();
            crc.update(buffer.duplicate());
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }

    /**
     * Writes the snapshot of {@code state}, the state after {@code txId}, durably: temporary file, force,
     * rename, directory force. Owner thread of the state.
     *
     * @return the snapshot file.
     */
    public static Path write(final Path dir, final long txId, final LedgerState state) throws IOException
    {
        return write(Storage.FILES, dir, txId, state);
    }

    /** As {@link #write(Path, long, LedgerState)}, in {@code storage}. */
    public static Path write(final Storage storage, final Path dir, final long txId, final LedgerState state)
        throws IOException
    {
        final Path target = dir.resolve(SnapshotFormat.fileName(txId));
        final Path temp = dir.resolve(SnapshotFormat.fileName(txId) + ".tmp");
        final long accounts = state.accountCount() + 1;
        final long holds = state.holds().size();
        final long keys = state.keys().size();
        try (FileChannel channel = storage.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final Out out = new Out(channel);
            final ByteBuffer b = out.buffer;
            b.putLong(SnapshotFormat.MAGIC).putInt(SnapshotFormat.VERSION).putInt(0).putLong(txId).putLong(accounts)
                .putLong(holds).putLong(keys).putLong(state.lastTimestamp());
            final CRC32C headerCrc = new CRC32C();
            headerCrc.update(b.duplicate().flip());
            b.putInt((int)headerCrc.getValue()).putInt(0);
            final long[] written = new long[3];
            state.forEachAccount((account, balance, dp, cp, od, lastTx) ->
            {
                out.put(account, balance, dp, cp, od, lastTx);
                written[0]++;
            });
            state.holds().forEach((id, from, to, amount, expiresAt, status) ->
            {
                out.put(id, from, to, amount, expiresAt, status);
                written[1]++;
            });
            state.keys().forEach((hi, lo, id, type, timeout, f1, f2, f3) ->
            {
                out.put(hi, lo, id, ((long)type << 32) | (timeout & 0xFFFF_FFFFL), f1, f2, f3);
                written[2]++;
            });
            if (out.failure != null)
            {
                throw out.failure;
            }
            if (written[0] != accounts || written[1] != holds || written[2] != keys)
            {
                throw new IllegalStateException("snapshot of tx " + txId + " expected " + accounts + " accounts, "
                    + holds + " holds, " + keys + " keys; got " + written[0] + ", " + written[1] + ", " + written[2]);
            }
            out.drain();
            b.putInt((int)out.crc.getValue()).putInt(0).putLong(SnapshotFormat.END_MAGIC).flip();
            while (b.hasRemaining())
            {
                channel.write(b);
            }
            channel.force(true);
        }
        storage.move(temp, target);
        storage.forceDirectory(dir);
        return target;
    }

    /**
     * Verifies {@code file} completely (checksums, sizes) and then restores it into {@code into}, a fresh
     * state, checking the ledger's invariants. Nothing is restored from a file whose checksums fail. Read with
     * positional reads, never mapped: a read fault is an IOException naming the file and offset.
     *
     * @param into a new state, or null to verify only.
     * @throws SnapshotCorruptionException naming the file and offset of the damage.
     */
    public static Info load(final Path file, final LedgerState into) throws IOException
    {
        return load(Storage.FILES, file, into);
    }

    /** As {@link #load(Path, LedgerState)}, reading from {@code storage}. */
    public static Info load(final Storage storage, final Path file, final LedgerState into) throws IOException
    {
        try (FileWindow data = FileWindow.open(storage, file))
        {
            return load(file, data, into);
        }
    }

    /**
     * Verifies {@code file}'s checksums and sizes, restoring nothing.
     *
     * @throws SnapshotCorruptionException naming the file and offset of the damage.
     */
    public static Info verify(final Path file) throws IOException
    {
        return load(Storage.FILES, file, null);
    }

    /** As {@link #verify(Path)}, reading from {@code storage}. */
    public static Info verify(final Storage storage, final Path file) throws IOException
    {
        return load(storage, file, null);
    }

    private static Info load(final Path file, final FileWindow data, final LedgerState into) throws IOException
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
        if (header.getInt(8) != SnapshotFormat.VERSION)
        {
            throw new SnapshotCorruptionException(file, 8, header.getInt(8) == 1
                ? "snapshot format version 1, written by a Roda Ledger from before payment semantics; this version "
                    + "reads version " + SnapshotFormat.VERSION + " only and cannot open it"
                : "unsupported version " + header.getInt(8));
        }
        final long txId = header.getLong(16);
        final long accounts = header.getLong(24);
        final long holds = header.getLong(32);
        final long keys = header.getLong(40);
        final long timestamp = header.getLong(48);
        final long limit = (Long.MAX_VALUE / 4) / SnapshotFormat.KEY_LENGTH;
        if (accounts < 1 || accounts > limit || holds < 0 || holds > limit || keys < 0 || keys > limit
            || SnapshotFormat.HEADER_LENGTH + accounts * SnapshotFormat.ACCOUNT_LENGTH + holds * SnapshotFormat.HOLD_LENGTH
                + keys * SnapshotFormat.KEY_LENGTH + SnapshotFormat.TRAILER_LENGTH != size)
        {
            throw new SnapshotCorruptionException(file, 24, "header claims " + accounts + " accounts, " + holds
                + " holds and " + keys + " keys but the file is " + size + " bytes");
        }
        if (txId != txIdOf(file))
        {
            throw new SnapshotCorruptionException(file, 16, "holds transaction " + txId + " but is named for "
                + txIdOf(file));
        }
        final long trailer = size - SnapshotFormat.TRAILER_LENGTH;
        crc.reset();
        final int chunk = 1 << 20;
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
        final Info info = new Info(file, txId, accounts, holds, keys, timestamp);
        if (into == null)
        {
            return info;
        }
        long at = SnapshotFormat.HEADER_LENGTH;
        try
        {
            for (long i = 0; i < accounts; i++, at += SnapshotFormat.ACCOUNT_LENGTH)
            {
                final ByteBuffer b = data.window(at, SnapshotFormat.ACCOUNT_LENGTH);
                final int x = data.indexOf(at);
                into.restore(b.getLong(x), b.getLong(x + 8), b.getLong(x + 16), b.getLong(x + 24), b.getLong(x + 32),
                    b.getLong(x + 40));
            }
            final long[] fields = new long[LedgerState.FIELDS];
            boolean finishedSeen = false;
            for (long i = 0; i < holds; i++, at += SnapshotFormat.HOLD_LENGTH)
            {
                final ByteBuffer b = data.window(at, SnapshotFormat.HOLD_LENGTH);
                final int x = data.indexOf(at);
                final long status = b.getLong(x + 40);
                final long id = b.getLong(x);
                if (status < Holds.ACTIVE || status > Holds.EXPIRED || (status == Holds.ACTIVE && finishedSeen)
                    || id <= 0 || id > txId || into.holds().find(id) >= 0
                    || !into.readBalance(b.getLong(x + 8), fields) || !into.readBalance(b.getLong(x + 16), fields))
                {
                    throw new IllegalArgumentException("invalid hold " + id + " with status " + status);
                }
                if (status == Holds.ACTIVE)
                {
                    into.holds().add(id, b.getLong(x + 8), b.getLong(x + 16), b.getLong(x + 24), b.getLong(x + 32));
                }
                else
                {
                    finishedSeen = true;
                    into.holds().restoreFinished(id, b.getLong(x + 8), b.getLong(x + 16), b.getLong(x + 24),
                        b.getLong(x + 32), (byte)status);
                }
            }
            for (long i = 0; i < keys; i++, at += SnapshotFormat.KEY_LENGTH)
            {
                final ByteBuffer b = data.window(at, SnapshotFormat.KEY_LENGTH);
                final int x = data.indexOf(at);
                final long hi = b.getLong(x);
                final long lo = b.getLong(x + 8);
                final long typeTimeout = b.getLong(x + 24);
                if ((hi == 0 && lo == 0) || into.keys().find(hi, lo) >= 0 || b.getLong(x + 16) > txId)
                {
                    throw new IllegalArgumentException("invalid or repeated key " + hi + ":" + lo);
                }
                into.keys().consume(hi, lo, b.getLong(x + 16), (int)(typeTimeout >>> 32), (int)typeTimeout,
                    b.getLong(x + 32), b.getLong(x + 40), b.getLong(x + 48));
            }
            into.keys().trim();
            into.holds().trim();
            into.restoreTimestamp(timestamp);
        }
        catch (final IllegalArgumentException | IllegalStateException e)
        {
            throw new SnapshotCorruptionException(file, at, e.getMessage());
        }
        final String problem = into.checkInvariants();
        if (problem != null)
        {
            throw new SnapshotCorruptionException(file, SnapshotFormat.HEADER_LENGTH, problem);
        }
        return info;
    }
}
