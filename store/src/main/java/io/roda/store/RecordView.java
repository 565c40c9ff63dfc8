package io.roda.store;

import java.nio.ByteBuffer;

/**
 * A flyweight over one fixed-size record of a {@link JournalStore}: it holds a buffer and an offset,
 * never a copy. Field offsets come from the record's descriptor class. One instance is reused for
 * every read, so reading allocates nothing; a view is valid until the reader's next call.
 */
public final class RecordView
{
    private ByteBuffer buffer;
    private int offset;
    private int length;
    private long index;

    void wrap(final ByteBuffer buffer, final int offset, final int length, final long index)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.index = index;
    }

    /** @return the record's index in its store (0-based, counting every record ever appended). */
    public long index()
    {
        return index;
    }

    /** @return the record size in bytes. */
    public int length()
    {
        return length;
    }

    /** @param field byte offset inside the record. @return the little-endian long there. */
    public long getLong(final int field)
    {
        return buffer.getLong(offset + field);
    }

    /** @param field byte offset inside the record. @return the little-endian int there. */
    public int getInt(final int field)
    {
        return buffer.getInt(offset + field);
    }

    /** @param field byte offset inside the record. @return the byte there. */
    public byte getByte(final int field)
    {
        return buffer.get(offset + field);
    }

    /** Copies the whole record into {@code dst} at {@code dstOffset}. */
    public void copyTo(final ByteBuffer dst, final int dstOffset)
    {
        dst.put(dstOffset, buffer, offset, length);
    }
}
