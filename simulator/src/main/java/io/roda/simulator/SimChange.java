package io.roda.simulator;

import java.util.Arrays;

/**
 * One change to a file's data since its last force: a write ({@link #bytes} at {@link #offset}) or a truncation
 * (from {@link #fromLength} down to {@link #toLength}, which zeroes the bytes cut off). The unforced changes of a
 * file, replayed in order over its durable content, give its current content.
 */
final class SimChange
{
    /** Where a write starts; unused for a truncation. */
    final int offset;
    /** The bytes written; null for a truncation. */
    final byte[] bytes;
    /** The length before a truncation; unused for a write. */
    final int fromLength;
    /** The length after a truncation; unused for a write. */
    final int toLength;

    private SimChange(final int offset, final byte[] bytes, final int fromLength, final int toLength)
    {
        this.offset = offset;
        this.bytes = bytes;
        this.fromLength = fromLength;
        this.toLength = toLength;
    }

    static SimChange write(final int offset, final byte[] bytes)
    {
        return new SimChange(offset, bytes, 0, 0);
    }

    static SimChange truncate(final int fromLength, final int toLength)
    {
        return new SimChange(0, null, fromLength, toLength);
    }

    boolean isWrite()
    {
        return bytes != null;
    }

    /** @return the first byte this change touches. */
    int start()
    {
        return isWrite() ? offset : toLength;
    }

    /** @return the byte after the last one this change touches (equal to {@link #start()} when it touches none). */
    int end()
    {
        return isWrite() ? offset + bytes.length : fromLength;
    }

    /** @return whether this change sets the byte at {@code position}. */
    boolean covers(final long position)
    {
        return position >= start() && position < end();
    }

    /** Applies this change to {@code image}, but only to the bytes in [{@code from}, {@code to}). */
    void applyWithin(final byte[] image, final int from, final int to)
    {
        final int lo = Math.max(from, start());
        final int hi = Math.min(Math.min(to, end()), image.length);
        if (lo >= hi)
        {
            return;
        }
        if (isWrite())
        {
            System.arraycopy(bytes, lo - offset, image, lo, hi - lo);
        }
        else
        {
            Arrays.fill(image, lo, hi, (byte)0);
        }
    }
}
