package io.roda.wal;

import java.nio.file.Path;

/** The WAL (or a snapshot) is damaged somewhere other than a torn tail; recovery refuses to guess. */
public final class WalCorruptionException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /**
     * @param file   the damaged file.
     * @param offset the byte offset of the damaged frame or record.
     * @param reason what is wrong.
     */
    public WalCorruptionException(final Path file, final long offset, final String reason)
    {
        super(file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    /** @return the damaged file. */
    public Path file()
    {
        return file;
    }

    /** @return the byte offset of the damage. */
    public long offset()
    {
        return offset;
    }
}
