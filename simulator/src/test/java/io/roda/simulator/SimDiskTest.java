package io.roda.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link SimDisk}: real-file semantics while the power is on, and exactly the promised crash images after a cut. */
class SimDiskTest
{
    private static final int SEEDS = 300;
    private static final Path DIR = Path.of("/sim/data");
    private static final Path FILE = DIR.resolve("a.wal");
    private static final Path OTHER = DIR.resolve("b.wal");

    // ------------------------------------------------------------------------------------------ helpers

    /** A disk whose {@link #DIR} exists durably. */
    private static SimDisk diskWithDurableDir() throws IOException
    {
        final SimDisk disk = new SimDisk();
        disk.createDirectories(DIR);
        disk.forceDirectory(Path.of("/"));
        disk.forceDirectory(DIR.getParent());
        assertEquals(0, disk.pendingEntryChanges());
        return disk;
    }

    /** A disk holding {@code file} durably (name and data) with {@code content}. */
    private static SimDisk diskWithDurableFile(final Path file, final byte[] content) throws IOException
    {
        final SimDisk disk = diskWithDurableDir();
        try (FileChannel channel = create(disk, file))
        {
            write(channel, 0, content);
            channel.force(true);
        }
        disk.forceDirectory(file.getParent());
        return disk;
    }

    private static FileChannel create(final SimDisk disk, final Path file) throws IOException
    {
        return disk.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static void write(final FileChannel channel, final long at, final byte[] bytes) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining())
        {
            channel.write(buffer, at + buffer.position());
        }
    }

    private static byte[] fill(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static byte[] pattern(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + i * 31);
        }
        return bytes;
    }

    private static boolean all(final byte[] bytes, final int from, final int to, final int value)
    {
        for (int i = from; i < to; i++)
        {
            if (bytes[i] != (byte)value)
            {
                return false;
            }
        }
        return true;
    }

    /** @return every name on the disk mapped to its content (null for a directory), in path order. */
    private static Map<Path, byte[]> image(final SimDisk disk) throws IOException
    {
        final Map<Path, byte[]> image = new LinkedHashMap<>();
        for (final Path path : disk.paths())
        {
            image.put(path, disk.isDirectory(path) ? null : disk.contents(path));
        }
        return image;
    }

    // ------------------------------------------------------------------------------------------ power cuts

    @Test
    void forcedDataSurvivesEveryCutWhileUnforcedDataAfterItMayOrMayNot() throws IOException
    {
        final byte[] forced = pattern(1000, 7);
        final Set<Integer> lengths = new HashSet<>();
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, forced);
            try (FileChannel channel = disk.open(FILE, StandardOpenOption.WRITE))
            {
                write(channel, 1000, fill(700, 0x77)); // shares sector 1 with forced bytes 512..999
            }
            try (FileChannel channel = create(disk, OTHER))
            {
                write(channel, 0, fill(100, 0x66));
            }
            disk.powerCut(new SplittableRandom(seed));
            final byte[] after = disk.contents(FILE);
            assertTrue(after.length == 1000 || after.length == 1700, "length " + after.length + ", seed " + seed);
            assertArrayEquals(forced, Arrays.copyOf(after, 1000), "seed " + seed);
            lengths.add(after.length);
        }
        assertEquals(Set.of(1000, 1700), lengths, "the length is sometimes the durable one, sometimes the current one");
    }

    @Test
    void anUnforcedThreeSectorWriteIsSometimesKeptSometimesLostAndSometimesTorn() throws IOException
    {
        int kept = 0;
        int lost = 0;
        int torn = 0;
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, new byte[0]);
            try (FileChannel channel = disk.open(FILE, StandardOpenOption.WRITE))
            {
                write(channel, 0, fill(3 * 512, 0x5A));
            }
            disk.powerCut(new SplittableRandom(seed));
            final byte[] after = disk.contents(FILE);
            if (after.length == 0)
            {
                lost++;
                continue;
            }
            assertEquals(3 * 512, after.length, "seed " + seed);
            int written = 0;
            for (int sector = 0; sector < 3; sector++)
            {
                final boolean new_ = all(after, sector * 512, sector * 512 + 512, 0x5A);
                assertTrue(new_ || all(after, sector * 512, sector * 512 + 512, 0), "sector " + sector + " mixes, seed " + seed);
                written += new_ ? 1 : 0;
            }
            if (written == 3)
            {
                kept++;
            }
            else if (written == 0)
            {
                lost++;
            }
            else
            {
                torn++;
            }
        }
        assertTrue(kept > 0 && lost > 0 && torn > 0, "kept " + kept + ", lost " + lost + ", torn " + torn);
    }

    @Test
    void eachSectorHoldsExactlyOneOfItsVersionsAndEveryVersionOccurs() throws IOException
    {
        final int sector = 512;
        final byte[] durable = pattern(2048, 1);
        // the unforced history: {offset, length, value} writes, and one truncation (length -1, offset = new length)
        final int[][] history = {{100, 1500, 0x11}, {700, 1000, 0x22}, {0, 600, 0x33}, {1800, -1, 0}, {1900, 300, 0x44}};
        // the versions of each sector, replayed here independently of the disk
        final List<List<byte[]>> versions = new ArrayList<>();
        byte[] model = Arrays.copyOf(durable, 4096);
        for (int s = 0; s < 8; s++)
        {
            versions.add(new ArrayList<>(List.of(Arrays.copyOfRange(model, s * sector, s * sector + sector))));
        }
        int modelLength = 2048;
        for (final int[] change : history)
        {
            final int from;
            final int to;
            if (change[1] < 0)
            {
                from = change[0];
                to = modelLength;
                Arrays.fill(model, from, to, (byte)0);
                modelLength = from;
            }
            else
            {
                from = change[0];
                to = change[0] + change[1];
                Arrays.fill(model, from, to, (byte)change[2]);
                modelLength = Math.max(modelLength, to);
            }
            for (int s = from / sector; s <= (to - 1) / sector; s++)
            {
                versions.get(s).add(Arrays.copyOfRange(model, s * sector, s * sector + sector));
            }
        }
        final Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, durable);
            try (FileChannel channel = disk.open(FILE, StandardOpenOption.WRITE))
            {
                for (final int[] change : history)
                {
                    if (change[1] < 0)
                    {
                        channel.truncate(change[0]);
                    }
                    else
                    {
                        write(channel, change[0], fill(change[1], change[2]));
                    }
                }
            }
            disk.powerCut(new SplittableRandom(seed));
            final byte[] after = disk.contents(FILE);
            assertTrue(after.length == 2048 || after.length == 2200, "length " + after.length);
            for (int s = 0; s * sector < after.length; s++)
            {
                final int end = Math.min(sector, after.length - s * sector);
                final byte[] actual = Arrays.copyOfRange(after, s * sector, s * sector + end);
                int match = -1;
                for (int v = 0; v < versions.get(s).size() && match < 0; v++)
                {
                    if (Arrays.equals(actual, Arrays.copyOf(versions.get(s).get(v), end)))
                    {
                        match = v;
                    }
                }
                if (match < 0)
                {
                    fail("sector " + s + " holds none of its versions, seed " + seed);
                }
                seen.add(s + ":" + match);
            }
        }
        for (int v = 0; v < versions.get(1).size(); v++)
        {
            assertTrue(seen.contains("1:" + v), "sector 1 never held version " + v + " of " + versions.get(1).size());
        }
    }

    @Test
    void aForcedFileVanishesUnlessItsDirectoryIsForcedToo() throws IOException
    {
        int vanished = 0;
        int stayed = 0;
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableDir();
            try (FileChannel channel = create(disk, FILE))
            {
                write(channel, 0, fill(10, 1));
                channel.force(true);
            }
            disk.powerCut(new SplittableRandom(seed));
            if (disk.exists(FILE))
            {
                stayed++;
                assertArrayEquals(fill(10, 1), disk.contents(FILE));
            }
            else
            {
                vanished++;
            }
        }
        assertTrue(vanished > 0 && stayed > 0, "vanished " + vanished + ", stayed " + stayed);
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, fill(10, 1));
            disk.powerCut(new SplittableRandom(seed));
            assertArrayEquals(fill(10, 1), disk.contents(FILE), "seed " + seed);
        }
    }

    @Test
    void aFileInADirectoryWhoseOwnEntryIsNotDurableCanVanish() throws IOException
    {
        int vanished = 0;
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = new SimDisk();
            disk.createDirectories(DIR);
            disk.forceDirectory(Path.of("/"));
            try (FileChannel channel = create(disk, FILE))
            {
                channel.force(true);
            }
            disk.forceDirectory(DIR); // the file's entry is durable, DIR's own entry in /sim is not
            disk.powerCut(new SplittableRandom(seed));
            assertEquals(disk.exists(DIR), disk.exists(FILE), "seed " + seed);
            vanished += disk.exists(FILE) ? 0 : 1;
        }
        assertTrue(vanished > 0 && vanished < SEEDS, "vanished " + vanished);
    }

    @Test
    void aRenameIsAtomicAndDurableOnceItsDirectoryIsForced() throws IOException
    {
        final Path temp = DIR.resolve("a.tmp");
        final byte[] old = fill(600, 0x0D);
        final byte[] fresh = fill(700, 0x0E);
        for (final boolean tempDurable : new boolean[] {true, false})
        {
            int renamed = 0;
            int notRenamed = 0;
            for (int seed = 0; seed < SEEDS; seed++)
            {
                final SimDisk disk = diskWithDurableFile(FILE, old);
                try (FileChannel channel = create(disk, temp))
                {
                    write(channel, 0, fresh);
                    channel.force(true);
                }
                if (tempDurable)
                {
                    disk.forceDirectory(DIR);
                }
                disk.move(temp, FILE);
                disk.powerCut(new SplittableRandom(seed));
                final byte[] target = disk.contents(FILE);
                if (Arrays.equals(target, fresh))
                {
                    renamed++;
                    assertFalse(disk.exists(temp), "source and target both name the new file, seed " + seed);
                }
                else
                {
                    assertArrayEquals(old, target, "seed " + seed);
                    notRenamed++;
                    if (tempDurable)
                    {
                        assertArrayEquals(fresh, disk.contents(temp), "a lost rename keeps the source, seed " + seed);
                    }
                }
            }
            assertTrue(renamed > 0 && notRenamed > 0, "renamed " + renamed + ", not renamed " + notRenamed);
        }
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, old);
            try (FileChannel channel = create(disk, temp))
            {
                write(channel, 0, fresh);
                channel.force(true);
            }
            disk.move(temp, FILE);
            disk.forceDirectory(DIR);
            disk.powerCut(new SplittableRandom(seed));
            assertArrayEquals(fresh, disk.contents(FILE), "seed " + seed);
            assertFalse(disk.exists(temp), "seed " + seed);
        }
    }

    @Test
    void aLyingDiskLosesForcedData() throws IOException
    {
        int lost = 0;
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, new byte[0]);
            disk.lying(true);
            try (FileChannel channel = disk.open(FILE, StandardOpenOption.WRITE))
            {
                write(channel, 0, fill(1024, 0x42));
                channel.force(true);
            }
            disk.forceDirectory(DIR);
            disk.powerCut(new SplittableRandom(seed));
            final byte[] after = disk.contents(FILE);
            lost += after.length == 1024 && all(after, 0, 1024, 0x42) ? 0 : 1;
        }
        assertTrue(lost > 0, "a lying disk never lost forced data");
    }

    @Test
    void theSameHistoryAndSeedGiveTheSameImage() throws IOException
    {
        final Set<String> distinct = new HashSet<>();
        for (int seed = 0; seed < 40; seed++)
        {
            final Map<Path, byte[]> first = image(historyThenCut(seed));
            final Map<Path, byte[]> second = image(historyThenCut(seed));
            assertEquals(first.keySet(), second.keySet(), "seed " + seed);
            final StringBuilder signature = new StringBuilder(first.keySet().toString());
            for (final Map.Entry<Path, byte[]> entry : first.entrySet())
            {
                assertArrayEquals(entry.getValue(), second.get(entry.getKey()), entry.getKey() + ", seed " + seed);
                signature.append(Arrays.hashCode(entry.getValue()));
            }
            distinct.add(signature.toString());
        }
        assertTrue(distinct.size() > 5, "only " + distinct.size() + " distinct images from 40 seeds");
    }

    private static SimDisk historyThenCut(final int seed) throws IOException
    {
        final SimDisk disk = diskWithDurableFile(FILE, pattern(3000, 3));
        try (FileChannel a = disk.open(FILE, StandardOpenOption.WRITE); FileChannel b = create(disk, OTHER))
        {
            write(a, 2500, pattern(2000, 5));
            write(b, 0, pattern(1500, 9));
            b.force(false);
            write(b, 1000, pattern(1200, 11));
            a.truncate(4000);
            write(a, 100, pattern(900, 13));
        }
        disk.createDirectories(DIR.resolve("snap"));
        try (FileChannel c = create(disk, DIR.resolve("snap/s.tmp")))
        {
            write(c, 0, pattern(800, 17));
            c.force(true);
        }
        disk.move(DIR.resolve("snap/s.tmp"), DIR.resolve("snap/s.snap"));
        disk.delete(FILE);
        disk.powerCut(new SplittableRandom(seed));
        return disk;
    }

    // ------------------------------------------------------------------------------------------ faults

    @Test
    void aReadFaultNamesTheFileAndTheOffset() throws IOException
    {
        final SimDisk disk = diskWithDurableFile(FILE, pattern(8192, 1));
        disk.failReads(FILE, 4096, 4608);
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.READ))
        {
            assertEquals(4096, channel.read(ByteBuffer.allocate(4096), 0));
            final IOException error = assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(200), 4000));
            assertTrue(error.getMessage().contains(FILE.toString()) && error.getMessage().contains("offset 4096"),
                error.getMessage());
            assertEquals(1000, channel.read(ByteBuffer.allocate(1000), 5000));
            disk.clearReadFaults();
            assertEquals(200, channel.read(ByteBuffer.allocate(200), 4000));
        }
    }

    @Test
    void failMutationFailsExactlyThatOperation() throws IOException
    {
        final SimDisk disk = diskWithDurableFile(FILE, new byte[0]);
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            disk.failMutation(3, SimDisk.Mutation.WRITE);
            write(channel, 0, fill(10, 1));
            channel.force(false); // not a write: not counted
            write(channel, 10, fill(10, 2));
            final IOException error = assertThrows(IOException.class, () -> channel.write(ByteBuffer.wrap(fill(10, 3)), 20));
            assertTrue(error.getMessage().contains("simulated write error") && error.getMessage().contains(FILE.toString())
                && error.getMessage().contains("offset 20"), error.getMessage());
            assertEquals(20, channel.size(), "a failed write changes nothing");
            write(channel, 20, fill(10, 4));
            assertEquals(30, channel.size());

            disk.failMutation(1, SimDisk.Mutation.FORCE);
            final long unforced = disk.unforcedBytes();
            assertTrue(unforced > 0);
            final IOException fsync = assertThrows(IOException.class, () -> channel.force(true));
            assertTrue(fsync.getMessage().contains("simulated fsync error") && fsync.getMessage().contains(FILE.toString()),
                fsync.getMessage());
            assertEquals(unforced, disk.unforcedBytes(), "a failed force makes nothing durable");
            channel.force(true);
            assertEquals(0, disk.unforcedBytes());
        }
        disk.failMutation(1, SimDisk.Mutation.METADATA);
        assertThrows(IOException.class, () -> disk.move(FILE, OTHER));
        assertTrue(disk.exists(FILE) && !disk.exists(OTHER), "a failed rename renames nothing");
        disk.move(FILE, OTHER);
        assertTrue(disk.exists(OTHER));
    }

    @Test
    void cutAfterMutationsFreezesTheBootAtThatOperation() throws IOException
    {
        for (int seed = 0; seed < 50; seed++)
        {
            final SimDisk disk = diskWithDurableFile(FILE, new byte[0]);
            final FileChannel channel = disk.open(FILE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final long before = disk.mutations();
            disk.cutAfterMutations(2);
            write(channel, 0, fill(512, 1));
            final IOException cut = assertThrows(IOException.class, () -> channel.write(ByteBuffer.wrap(fill(512, 2)), 512));
            assertEquals(SimDisk.POWER_LOST, cut.getMessage());
            assertTrue(disk.frozen());
            assertEquals(before + 1, disk.mutations());
            assertEquals(SimDisk.POWER_LOST,
                assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(1), 0)).getMessage());
            assertEquals(SimDisk.POWER_LOST, assertThrows(IOException.class, () -> disk.open(OTHER,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)).getMessage());
            assertThrows(IOException.class, () -> disk.forceDirectory(DIR));
            assertThrows(UncheckedIOException.class, () -> disk.exists(FILE));
            channel.close(); // a no-op, not an error
            disk.powerCut(new SplittableRandom(seed));
            assertFalse(disk.frozen());
            assertEquals(2, disk.boot());
            assertEquals(0, disk.mutations());
            final byte[] after = disk.contents(FILE);
            assertTrue(after.length == 0 || after.length == 512, "the cut write never happened: " + after.length);
            assertEquals(SimDisk.POWER_LOST,
                assertThrows(IOException.class, () -> channel.size()).getMessage(), "an old boot's channel stays dead");
        }
    }

    @Test
    void corruptionFlipsOneToEightBitsOfOneDurableSector() throws IOException
    {
        assertNull(new SimDisk().corruptDurableSector(new SplittableRandom(1)));
        for (int seed = 0; seed < 50; seed++)
        {
            final byte[] clean = new byte[2000];
            final SimDisk disk = diskWithDurableFile(FILE, clean);
            final String where = disk.corruptDurableSector(new SplittableRandom(seed));
            assertNotNull(where);
            assertTrue(where.contains(FILE.toString()), where);
            disk.powerCut(new SplittableRandom(seed)); // it is the platter: it survives
            final byte[] after = disk.contents(FILE);
            int bits = 0;
            final Set<Integer> sectors = new HashSet<>();
            for (int i = 0; i < after.length; i++)
            {
                bits += Integer.bitCount(after[i] & 0xFF);
                if (after[i] != 0)
                {
                    sectors.add(i / 512);
                }
            }
            assertTrue(bits >= 1 && bits <= 8, bits + " bits flipped");
            assertEquals(1, sectors.size());
            assertTrue(where.contains("offset " + sectors.iterator().next() * 512), where);
        }
    }

    // ------------------------------------------------------------------------------------------ file semantics

    @Test
    void behavesLikeRealFilesWhileThePowerIsOn() throws IOException
    {
        final SimDisk disk = diskWithDurableDir();
        assertFalse(disk.real());
        assertThrows(NoSuchFileException.class, () -> disk.open(FILE, StandardOpenOption.READ));
        assertThrows(NoSuchFileException.class, () -> disk.open(DIR.resolve("no/such"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE));
        assertThrows(NoSuchFileException.class, () -> disk.size(FILE));
        assertThrows(NoSuchFileException.class, () -> disk.delete(FILE));
        assertFalse(disk.deleteIfExists(FILE));
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            assertThrows(NonReadableChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
            write(channel, 1000, fill(10, 9)); // sparse: zeros before
        }
        assertThrows(FileAlreadyExistsException.class, () -> disk.open(FILE, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE));
        assertEquals(1010, disk.size(FILE));
        final byte[] content = disk.contents(FILE);
        assertTrue(all(content, 0, 1000, 0) && all(content, 1000, 1010, 9));
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.READ))
        {
            assertThrows(NonWritableChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
            final ByteBuffer buffer = ByteBuffer.allocate(2000);
            assertEquals(1010, channel.read(buffer));
            assertEquals(-1, channel.read(buffer.clear()));
        }
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.APPEND))
        {
            channel.write(ByteBuffer.wrap(fill(5, 8)));
            assertEquals(1015, channel.position());
        }
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            assertEquals(0, channel.size());
        }

        try (FileChannel channel = create(disk, OTHER))
        {
            write(channel, 0, fill(3, 1));
        }
        disk.createDirectories(DIR.resolve("sub"));
        final List<Path> wal = disk.list(DIR, ".wal");
        assertEquals(Set.of(FILE, OTHER), new HashSet<>(wal));
        assertEquals(3, disk.list(DIR, "").size());
        assertTrue(disk.list(DIR.resolve("missing"), ".wal").isEmpty());
        assertThrows(FileAlreadyExistsException.class, () -> disk.createDirectories(FILE));

        disk.move(OTHER, FILE); // replaces
        assertFalse(disk.exists(OTHER));
        assertArrayEquals(fill(3, 1), disk.contents(FILE));
        assertThrows(NoSuchFileException.class, () -> disk.move(OTHER, FILE));
        assertThrows(DirectoryNotEmptyException.class, () -> disk.delete(DIR));

        // an unlinked file stays readable and writable through a channel opened before
        try (FileChannel channel = disk.open(FILE, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            disk.delete(FILE);
            assertFalse(disk.exists(FILE));
            write(channel, 3, fill(2, 4));
            final ByteBuffer buffer = ByteBuffer.allocate(5);
            assertEquals(5, channel.read(buffer, 0));
            assertArrayEquals(new byte[] {1, 1, 1, 4, 4}, buffer.array());
            assertTrue(disk.deleteIfExists(DIR.resolve("sub")));
        }
        assertTrue(disk.list(DIR, "").isEmpty());
    }

    @Test
    void locksConflictBetweenChannelsAndCloseReleasesThem() throws IOException
    {
        final SimDisk disk = diskWithDurableFile(FILE, new byte[0]);
        final FileChannel first = disk.open(FILE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        final FileChannel second = disk.open(FILE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        final FileLock lock = first.tryLock(0, 100, false);
        assertNotNull(lock);
        assertTrue(lock.isValid());
        assertNull(second.tryLock(), "another channel's exclusive lock conflicts");
        assertNull(second.tryLock(0, 10, true), "even for a shared lock");
        assertNotNull(second.tryLock(200, 5, false), "a range it does not cover is free");
        assertThrows(OverlappingFileLockException.class, () -> first.tryLock(99, 1, true));
        first.close();
        assertFalse(lock.isValid());
        final FileLock shared = second.tryLock(0, 100, true);
        assertNotNull(shared, "closing released the lock");
        try (FileChannel third = disk.open(FILE, StandardOpenOption.READ))
        {
            assertNotNull(third.tryLock(50, 100, true), "shared locks coexist");
            assertThrows(NonWritableChannelException.class, () -> third.tryLock(200, 1, false));
        }
        shared.release();
        assertFalse(shared.isValid());
        disk.powerCut(new SplittableRandom(1));
        assertEquals(SimDisk.POWER_LOST, assertThrows(IOException.class, () -> second.tryLock()).getMessage());
        second.close();
        try (FileChannel fresh = disk.open(FILE, StandardOpenOption.WRITE))
        {
            assertNotNull(fresh.tryLock(), "locks die with the boot");
        }
    }

    @Test
    void threadsWritingAtOnceLoseNothingThatWasForced() throws Exception
    {
        final SimDisk disk = diskWithDurableDir();
        final int threads = 4;
        final int writes = 300;
        final List<Thread> workers = new ArrayList<>();
        final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++)
        {
            final Path file = DIR.resolve(t + ".wal");
            final int value = t + 1;
            workers.add(new Thread(() ->
            {
                try (FileChannel channel = create(disk, file))
                {
                    for (int i = 0; i < writes; i++)
                    {
                        channel.write(ByteBuffer.wrap(fill(100, value)));
                        channel.force(false);
                        disk.list(DIR, ".wal");
                    }
                }
                catch (final Throwable e)
                {
                    errors.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (final Thread worker : workers)
        {
            worker.join();
        }
        assertTrue(errors.isEmpty(), errors.toString());
        disk.forceDirectory(DIR);
        disk.powerCut(new SplittableRandom(5));
        for (int t = 0; t < threads; t++)
        {
            final byte[] after = disk.contents(DIR.resolve(t + ".wal"));
            assertEquals(100 * writes, after.length);
            assertTrue(all(after, 0, after.length, t + 1), "file " + t);
        }
        assertEquals((long)threads * 100 * writes, disk.totalBytes());
        assertEquals(0, disk.unforcedBytes());
        assertTrue(disk.describe().contains("0.wal"), disk.describe());
    }
}
