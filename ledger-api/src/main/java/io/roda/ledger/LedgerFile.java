package io.roda.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import io.roda.storage.Storage;

/**
 * {@code DIR/LEDGER}: what the ledger remembers about itself apart from its data: the settings that change
 * replay results, and how far it has committed. docs/FORMATS.md is the prose twin.
 *
 * <pre>
 * 8192 bytes: two 4096-byte copies at offsets 0 and 4096. Write number n goes to copy n % 2, with
 * positional write + force, so a torn write damages one copy and leaves the other. The valid copy with
 * the higher sequence number is current.
 * Copy:
 *   0 magic "RODALDGR" (8) | 8 version = 2 (4) | 12 CRC32C of bytes 0..12 and 16..64 of the copy (4)
 *  16 sequence number n (8)
 *  24 max accounts (8): capacity the state is built with; replay results depend on it
 *  32 commit watermark (8): every tx id up to it was forced to disk
 *  40 newest segment (8): first tx id of the newest WAL segment whose header is durable (0: none)
 *  48 max holds (8) | 56 idempotency window (8): replay results depend on them too
 *  64..4096 zero
 * </pre>
 * Created (temp file, force, rename, directory force) with the directory, before any data.
 */
public final class LedgerFile
{
    /** The file name inside the ledger directory. */
    public static final String NAME = "LEDGER";
    /** "RODALDGR". */
    static final long MAGIC = 0x5247444C41444F52L;
    static final int VERSION = 2;
    static final int COPY_LENGTH = 4096;
    /** Size of the file. */
    public static final int LENGTH = 2 * COPY_LENGTH;
    private static final int CRC_SPAN = 64;

    /**
     * One copy's contents.
     *
     * @param sequence        its sequence number.
     * @param maxAccounts     the capacity the directory was created with.
     * @param commitWatermark every tx id up to it is on disk.
     * @param newestSegment   first tx id of the newest segment recorded as created.
     * @param maxHolds        the holds the directory remembers.
     * @param idempotencyWindow the keys the directory remembers.
     */
    public record State(long sequence, long maxAccounts, long commitWatermark, long newestSegment, long maxHolds,
        long idempotencyWindow)
    {
    }

    private LedgerFile()
    {
    }

    /** @return {@code dir/LEDGER}. */
    public static Path path(final Path dir)
    {
        return dir.resolve(NAME);
    }

    /** Creates {@code dir/LEDGER} durably for a new, empty ledger. */
    static void create(final Storage storage, final Path dir, final long maxAccounts, final long maxHolds,
        final long idempotencyWindow) throws IOException
    {
        final Path temp = dir.resolve(NAME + ".tmp");
        try (FileChannel channel = storage.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer file = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            encode(file, 0, new State(0, maxAccounts, 0, 0, maxHolds, idempotencyWindow));
            encode(file, COPY_LENGTH, new State(1, maxAccounts, 0, 0, maxHolds, idempotencyWindow));
            writeFully(channel, file, 0);
            channel.force(true);
        }
        storage.move(temp, path(dir));
        storage.forceDirectory(dir);
    }

    /**
     * @return the current state of {@code dir/LEDGER}, or null when the file does not exist.
     * @throws IOException naming the file when neither copy is valid or it cannot be read.
     */
    public static State read(final Path dir) throws IOException
    {
        return read(Storage.FILES, dir);
    }

    /** As {@link #read(Path)}, from {@code storage}. */
    public static State read(final Storage storage, final Path dir) throws IOException
    {
        final Path file = path(dir);
        final ByteBuffer buffer = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = storage.open(file, StandardOpenOption.READ))
        {
            if (channel.size() != LENGTH)
            {
                throw new IOException(file + " is " + channel.size() + " bytes, expected " + LENGTH);
            }
            while (buffer.hasRemaining())
            {
                if (channel.read(buffer, buffer.position()) < 0)
                {
                    throw new IOException(file + " ended early at offset " + buffer.position());
                }
            }
        }
        catch (final NoSuchFileException e)
        {
            return null;
        }
        final String problem0 = check(buffer, 0);
        final String problem1 = check(buffer, COPY_LENGTH);
        if (problem0 != null && problem1 != null && buffer.getLong(0) == MAGIC && buffer.getInt(8) == 1
            && buffer.getLong(COPY_LENGTH) == MAGIC && buffer.getInt(COPY_LENGTH + 8) == 1)
        {
            throw new IOException(file + " was written by a Roda Ledger from before payment semantics (format version "
                + "1); this version reads format version " + VERSION + " only and cannot open the directory");
        }
        if (problem0 != null && problem1 != null)
        {
            throw new IOException(file + " is damaged: copy at offset 0: " + problem0 + "; copy at offset "
                + COPY_LENGTH + ": " + problem1);
        }
        final State a = problem0 == null ? decode(buffer, 0) : null;
        final State b = problem1 == null ? decode(buffer, COPY_LENGTH) : null;
        return a == null ? b : b == null ? a : a.sequence() >= b.sequence() ? a : b;
    }

    /**
     * Raises the commit watermark and the newest segment durably (never lowers them).
     *
     * @throws IOException when the file cannot be read or written.
     */
    static synchronized void raise(final Storage storage, final Path dir, final long committedThrough,
        final long newestSegment) throws IOException
    {
        final State current = read(storage, dir);
        if (current == null)
        {
            throw new NoSuchFileException(path(dir).toString(), null, "the ledger's LEDGER file disappeared");
        }
        if (committedThrough <= current.commitWatermark() && newestSegment <= current.newestSegment())
        {
            return;
        }
        final State next = new State(current.sequence() + 1, current.maxAccounts(),
            Math.max(committedThrough, current.commitWatermark()), Math.max(newestSegment, current.newestSegment()),
            current.maxHolds(), current.idempotencyWindow());
        final int at = (int)(next.sequence() % 2) * COPY_LENGTH;
        final ByteBuffer copy = ByteBuffer.allocate(COPY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        encode(copy, 0, next);
        try (FileChannel channel = storage.open(path(dir), StandardOpenOption.WRITE))
        {
            writeFully(channel, copy, at);
            channel.force(false);
        }
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer, final long at) throws IOException
    {
        buffer.clear();
        while (buffer.hasRemaining())
        {
            channel.write(buffer, at + buffer.position());
        }
    }

    private static void encode(final ByteBuffer buffer, final int at, final State state)
    {
        for (int i = 0; i < COPY_LENGTH; i += 8)
        {
            buffer.putLong(at + i, 0);
        }
        buffer.putLong(at, MAGIC);
        buffer.putInt(at + 8, VERSION);
        buffer.putLong(at + 16, state.sequence());
        buffer.putLong(at + 24, state.maxAccounts());
        buffer.putLong(at + 32, state.commitWatermark());
        buffer.putLong(at + 40, state.newestSegment());
        buffer.putLong(at + 48, state.maxHolds());
        buffer.putLong(at + 56, state.idempotencyWindow());
        buffer.putInt(at + 12, crc(buffer, at));
    }

    private static String check(final ByteBuffer buffer, final int at)
    {
        if (buffer.getLong(at) != MAGIC)
        {
            return "bad magic";
        }
        if (buffer.getInt(at + 12) != crc(buffer, at))
        {
            return "checksum mismatch";
        }
        if (buffer.getInt(at + 8) != VERSION)
        {
            return buffer.getInt(at + 8) == 1
                ? "format version 1, written by a Roda Ledger from before payment semantics; this version reads "
                    + "version " + VERSION + " only and cannot open it"
                : "unsupported version " + buffer.getInt(at + 8);
        }
        return null;
    }

    private static State decode(final ByteBuffer buffer, final int at)
    {
        return new State(buffer.getLong(at + 16), buffer.getLong(at + 24), buffer.getLong(at + 32), buffer.getLong(at + 40),
            buffer.getLong(at + 48), buffer.getLong(at + 56));
    }

    private static int crc(final ByteBuffer buffer, final int at)
    {
        final CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(at + 12).position(at));
        crc.update(buffer.duplicate().limit(at + CRC_SPAN).position(at + 16));
        return (int)crc.getValue();
    }
}
