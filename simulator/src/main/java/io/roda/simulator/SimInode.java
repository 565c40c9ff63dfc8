package io.roda.simulator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A file or a directory of the simulated disk, independent of the names bound to it. A file has a current content
 * (what reads return: the page cache) and a durable one (what survives a power cut), and the list of changes made
 * since its last force; the current content is always the durable one with those changes replayed over it. Bytes
 * past a length are kept zero in both arrays, so that extending a file reads zeros. Not thread-safe: the disk's
 * lock guards it.
 */
final class SimInode
{
    /** The largest file a byte array can hold, with room for the JVM's array header. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 16;
    private static final byte[] EMPTY = new byte[0];

    final long id;
    final boolean directory;
    /** The locks held on this file by channels of the boot that made it. */
    final ArrayList<SimLock> locks = new ArrayList<>();
    private byte[] data = EMPTY;
    private int length;
    private byte[] durable = EMPTY;
    private int durableLength;
    private final ArrayList<SimChange> unforced = new ArrayList<>();
    private long unforcedBytes;

    SimInode(final long id, final boolean directory)
    {
        this.id = id;
        this.directory = directory;
    }

    /** @return a file whose current and durable contents are both {@code image} (which it keeps). */
    static SimInode restored(final long id, final byte[] image)
    {
        final SimInode inode = new SimInode(id, false);
        inode.data = image;
        inode.length = image.length;
        inode.durable = image.clone();
        inode.durableLength = image.length;
        return inode;
    }

    int length()
    {
        return length;
    }

    int durableLength()
    {
        return durableLength;
    }

    int unforcedChanges()
    {
        return unforced.size();
    }

    /** @return the bytes written (not counting truncations) since the last force. */
    long unforcedBytes()
    {
        return unforcedBytes;
    }

    /** @return a copy of the current content. */
    byte[] contents()
    {
        return Arrays.copyOf(data, length);
    }

    /** Copies {@code count} bytes at {@code position} (inside the file) into {@code dst}. */
    void read(final ByteBuffer dst, final int position, final int count)
    {
        dst.put(data, position, count);
    }

    /**
     * Writes all of {@code src} at {@code position}, extending the file (with zeros in any gap) when needed.
     *
     * @throws IOException when the file would outgrow {@link #MAX_LENGTH}; nothing is written then.
     */
    void write(final ByteBuffer src, final long position) throws IOException
    {
        final int count = src.remaining();
        final long end = position + count;
        if (end > MAX_LENGTH)
        {
            throw new IOException("File too large: the simulated disk holds files up to " + MAX_LENGTH
                + " bytes, a write of " + count + " bytes at offset " + position + " would end at " + end);
        }
        final int at = (int)position;
        data = grown(data, (int)end);
        src.get(data, at, count);
        unforced.add(SimChange.write(at, Arrays.copyOfRange(data, at, (int)end)));
        unforcedBytes += count;
        length = Math.max(length, (int)end);
    }

    /** Shrinks the file to {@code size} bytes (smaller than its length). */
    void truncate(final int size)
    {
        Arrays.fill(data, size, length, (byte)0);
        unforced.add(SimChange.truncate(length, size));
        length = size;
    }

    /** Makes the current content and length durable, in time proportional to the bytes changed since the last force. */
    void force()
    {
        for (final SimChange change : unforced)
        {
            if (change.isWrite())
            {
                durable = grown(durable, change.end());
                System.arraycopy(change.bytes, 0, durable, change.offset, change.bytes.length);
                durableLength = Math.max(durableLength, change.end());
            }
            else if (change.toLength < durableLength)
            {
                Arrays.fill(durable, change.toLength, durableLength, (byte)0);
                durableLength = change.toLength;
            }
        }
        unforced.clear();
        unforcedBytes = 0;
        assert durableLength == length : "forced length " + durableLength + " != current length " + length;
    }

    /**
     * The file as a power cut leaves it. Its length is its durable one or its current one; each sector touched by an
     * unforced change independently holds its durable content or its content right after one of those changes
     * (sectors are atomic, so a multi-sector write tears only at sector boundaries). Randomness is drawn in a fixed
     * order: the length (only when the two lengths differ), then each dirty sector in ascending order.
     *
     * @param id         the new inode's number.
     * @param sectorSize bytes per sector.
     * @param fate       where the choices come from.
     * @return a new file whose current and durable content is the image.
     */
    SimInode crashImage(final long id, final int sectorSize, final SplittableRandom fate)
    {
        final int imageLength = length == durableLength || fate.nextBoolean() ? durableLength : length;
        final TreeMap<Integer, ArrayList<SimChange>> versions = new TreeMap<>();
        int extent = Math.max(durableLength, imageLength);
        for (final SimChange change : unforced)
        {
            if (change.end() > change.start())
            {
                for (int sector = change.start() / sectorSize; sector <= (change.end() - 1) / sectorSize; sector++)
                {
                    versions.computeIfAbsent(sector, s -> new ArrayList<>()).add(change);
                }
            }
            extent = Math.max(extent, change.end());
        }
        final byte[] image = Arrays.copyOf(durable, extent); // zeros past the durable length
        versions.forEach((sector, changes) ->
        {
            final int keep = fate.nextInt(changes.size() + 1);
            final int from = sector * sectorSize;
            for (int i = 0; i < keep; i++)
            {
                changes.get(i).applyWithin(image, from, from + sectorSize);
            }
        });
        return restored(id, image.length == imageLength ? image : Arrays.copyOf(image, imageLength));
    }

    /**
     * Flips 1 to 8 distinct random bits of the durable data in the sector starting at {@code sectorStart} (which must
     * hold durable data): the platter changed. The current content changes too, except where an unforced change
     * has since replaced the byte in the page cache.
     *
     * @return how many bits were flipped.
     */
    int flipDurableBits(final int sectorStart, final int sectorSize, final SplittableRandom random)
    {
        final int span = Math.min(sectorSize, durableLength - sectorStart);
        final int flips = Math.min(1 + random.nextInt(8), span * 8);
        final BitSet chosen = new BitSet(span * 8);
        while (chosen.cardinality() < flips)
        {
            chosen.set(random.nextInt(span * 8));
        }
        for (int bit = chosen.nextSetBit(0); bit >= 0; bit = chosen.nextSetBit(bit + 1))
        {
            final int at = sectorStart + bit / 8;
            final byte mask = (byte)(1 << (bit % 8));
            durable[at] ^= mask;
            if (!coveredByUnforced(at))
            {
                data[at] ^= mask;
            }
        }
        return flips;
    }

    private boolean coveredByUnforced(final int position)
    {
        for (final SimChange change : unforced)
        {
            if (change.covers(position))
            {
                return true;
            }
        }
        return false;
    }

    private static byte[] grown(final byte[] array, final int needed)
    {
        if (array.length >= needed)
        {
            return array;
        }
        final long doubled = Math.max(4096L, 2L * array.length);
        return Arrays.copyOf(array, (int)Math.min(MAX_LENGTH, Math.max(needed, doubled)));
    }
}
