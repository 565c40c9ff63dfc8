package io.roda.simulator;

import io.roda.storage.Storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic simulated disk behind the {@link Storage} interface: power cuts, torn sectors, lost directory
 * entries, lying fsyncs, bad sectors and failing writes, all reproducible from an explicit history and seed.
 * Nothing touches the real file system; paths are plain {@link Path} values, compared after
 * {@code toAbsolutePath().normalize()}.
 *
 * <p>The model:
 * <pre>
 *   name --(directory entry)--&gt; inode: current content (page cache) = durable content + unforced changes
 *
 *   FileChannel.force          the file's data and length become durable (not its name)
 *   forceDirectory(d)          the pending creates, deletes and renames in d become durable
 *   powerCut(fate)             durable data survives; each dirty sector holds one of its versions; each file has
 *                              its durable or its current length; each pending entry change is kept or lost
 * </pre>
 * A rename is one atomic change; across directories it is durable once both have been forced. Deleting a name
 * keeps the inode alive for the channels open on it. After a power cut every channel, lock and call of the old
 * boot fails with {@code IOException("power lost")} and a new boot starts whose current content is the crash image.
 *
 * <p>Faults are driven by explicit calls: {@link #lying}, {@link #failReads}, {@link #corruptDurableSector},
 * {@link #failMutation} and {@link #cutAfterMutations}. Every method is thread-safe (one lock for the whole disk).
 *
 * <p>Not modelled: free space, permissions, timestamps, links, renaming a non-empty directory, journal ordering
 * between changes (each pending entry change is kept or lost independently of the others), and the page cache
 * dropping a page after a failed fsync (the writes stay unforced and may still reach the platter).
 */
public final class SimDisk implements Storage
{
    /** The kinds of mutating operation that {@link #failMutation} can make fail. */
    public enum Mutation
    {
        /** A channel write or truncate, or an open that truncates. */
        WRITE,
        /** A channel force or a {@link #forceDirectory}. */
        FORCE,
        /** A create, delete, rename or directory creation. */
        METADATA
    }

    /** Sector size unless given: the smallest unit a disk writes atomically. */
    public static final int DEFAULT_SECTOR_SIZE = 512;
    /** The message of every failure caused by a power cut. */
    public static final String POWER_LOST = "power lost";

    /** One run of the machine between power cuts. */
    static final class Boot
    {
        final int number;
        boolean frozen;
        long mutations;

        Boot(final int number)
        {
            this.number = number;
        }
    }

    private record ReadFault(Path file, long from, long to)
    {
    }

    private final int sectorSize;
    private TreeMap<Path, SimInode> current = new TreeMap<>();
    private TreeMap<Path, SimInode> durable = new TreeMap<>();
    private final ArrayList<SimMetaOp> pending = new ArrayList<>();
    private final ArrayList<ReadFault> readFaults = new ArrayList<>();
    private Boot boot = new Boot(1);
    private long nextInode = 1;
    private boolean lying;
    private long cutAt;
    private long failCountdown;
    private EnumSet<Mutation> failKinds = EnumSet.noneOf(Mutation.class);

    /** A disk with {@link #DEFAULT_SECTOR_SIZE}-byte sectors. */
    public SimDisk()
    {
        this(DEFAULT_SECTOR_SIZE);
    }

    /** @param sectorSize bytes per sector (positive): the unit a power cut never tears. */
    public SimDisk(final int sectorSize)
    {
        if (sectorSize < 1)
        {
            throw new IllegalArgumentException("sector size must be positive: " + sectorSize);
        }
        this.sectorSize = sectorSize;
    }

    // ---------------------------------------------------------------------------------------------- Storage

    /**
     * Opens a channel with the semantics of {@link FileChannel#open(Path, OpenOption...)}: READ, WRITE, APPEND,
     * CREATE, CREATE_NEW, TRUNCATE_EXISTING, SYNC and DSYNC (each write forced), SPARSE and NOFOLLOW_LINKS (ignored).
     */
    @Override
    public FileChannel open(final Path file, final OpenOption... options) throws IOException
    {
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        boolean sync = false;
        for (final OpenOption option : options)
        {
            if (option == StandardOpenOption.READ)
            {
                read = true;
            }
            else if (option == StandardOpenOption.WRITE)
            {
                write = true;
            }
            else if (option == StandardOpenOption.APPEND)
            {
                append = true;
                write = true;
            }
            else if (option == StandardOpenOption.CREATE)
            {
                create = true;
            }
            else if (option == StandardOpenOption.CREATE_NEW)
            {
                createNew = true;
            }
            else if (option == StandardOpenOption.TRUNCATE_EXISTING)
            {
                truncate = true;
            }
            else if (option == StandardOpenOption.SYNC || option == StandardOpenOption.DSYNC)
            {
                sync = true;
            }
            else if (option != StandardOpenOption.SPARSE && option != LinkOption.NOFOLLOW_LINKS)
            {
                throw new UnsupportedOperationException("the simulated disk does not support open option " + option);
            }
        }
        if (!read && !write)
        {
            read = true;
        }
        if (read && append)
        {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate)
        {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        final Path key = key(file);
        synchronized (this)
        {
            checkAlive(boot);
            SimInode inode = current.get(key);
            if (inode != null || key.getParent() == null)
            {
                if (write && createNew)
                {
                    throw new FileAlreadyExistsException(file.toString());
                }
                if (inode == null || inode.directory)
                {
                    throw new FileSystemException(file.toString(), null, "Is a directory");
                }
                if (write && truncate && inode.length() > 0)
                {
                    mutate(boot, Mutation.WRITE, "truncate", key, 0);
                    inode.truncate(0);
                }
            }
            else
            {
                if (!write || !(create || createNew))
                {
                    throw new NoSuchFileException(file.toString());
                }
                checkParent(key, file);
                mutate(boot, Mutation.METADATA, "create", key, -1);
                inode = new SimInode(nextInode++, false);
                current.put(key, inode);
                pending.add(SimMetaOp.create(key, inode));
            }
            return new SimChannel(this, boot, inode, key, read, write, append, sync);
        }
    }

    /**
     * Makes the pending creates, deletes and renames in {@code directory} durable (a rename across directories
     * once both are forced). Given a file, forces its data like {@link FileChannel#force}, as fsync would.
     */
    @Override
    public synchronized void forceDirectory(final Path directory) throws IOException
    {
        checkAlive(boot);
        final Path key = key(directory);
        final SimInode inode = current.get(key);
        if (inode == null && key.getParent() != null)
        {
            throw new NoSuchFileException(directory.toString());
        }
        if (inode != null && !inode.directory)
        {
            mutate(boot, Mutation.FORCE, "force", key, -1);
            if (!lying)
            {
                inode.force();
            }
            return;
        }
        mutate(boot, Mutation.FORCE, "force of directory", key, -1);
        if (lying)
        {
            return;
        }
        final Iterator<SimMetaOp> ops = pending.iterator();
        while (ops.hasNext())
        {
            final SimMetaOp op = ops.next();
            if (op.directoryForced(key))
            {
                op.applyTo(durable);
                ops.remove();
            }
        }
    }

    @Override
    public synchronized List<Path> list(final Path directory, final String suffix) throws IOException
    {
        checkAlive(boot);
        final Path key = key(directory);
        final List<Path> found = new ArrayList<>();
        if (!isDirectoryKey(key))
        {
            return found;
        }
        for (final Path path : current.keySet())
        {
            if (key.equals(path.getParent()) && path.getFileName().toString().endsWith(suffix))
            {
                found.add(directory.resolve(path.getFileName().toString()));
            }
        }
        return found;
    }

    /** @throws UncheckedIOException once the power is lost: the machine that asks is gone. */
    @Override
    public synchronized boolean exists(final Path path)
    {
        checkAliveUnchecked();
        final Path key = key(path);
        return key.getParent() == null || current.containsKey(key);
    }

    /** @throws UncheckedIOException once the power is lost: the machine that asks is gone. */
    @Override
    public synchronized boolean isDirectory(final Path path)
    {
        checkAliveUnchecked();
        return isDirectoryKey(key(path));
    }

    /** Each directory created is one pending entry change in its parent (and one mutation). */
    @Override
    public synchronized void createDirectories(final Path directory) throws IOException
    {
        checkAlive(boot);
        final Path key = key(directory);
        final ArrayList<Path> missing = new ArrayList<>();
        Path at = key;
        while (at.getParent() != null && !current.containsKey(at))
        {
            missing.add(at);
            at = at.getParent();
        }
        if (!isDirectoryKey(at))
        {
            throw missing.isEmpty() ? new FileAlreadyExistsException(directory.toString())
                : new FileSystemException(at.toString(), null, "Not a directory");
        }
        for (int i = missing.size() - 1; i >= 0; i--)
        {
            final Path created = missing.get(i);
            mutate(boot, Mutation.METADATA, "create of directory", created, -1);
            final SimInode inode = new SimInode(nextInode++, true);
            current.put(created, inode);
            pending.add(SimMetaOp.create(created, inode));
        }
    }

    /** One atomic pending entry change, replacing any target; a directory moves only when empty. */
    @Override
    public synchronized void move(final Path source, final Path target) throws IOException
    {
        checkAlive(boot);
        final Path from = key(source);
        final Path to = key(target);
        final SimInode inode = current.get(from);
        if (inode == null)
        {
            throw from.getParent() == null ? new FileSystemException(source.toString(), null, "Device or resource busy")
                : new NoSuchFileException(source.toString());
        }
        if (from.equals(to))
        {
            return;
        }
        checkParent(to, target);
        if (inode.directory && hasChildren(from))
        {
            throw new FileSystemException(source.toString(), target.toString(),
                "the simulated disk does not rename a non-empty directory");
        }
        if (inode.directory && to.startsWith(from))
        {
            throw new FileSystemException(source.toString(), target.toString(), "Invalid argument");
        }
        final SimInode replaced = current.get(to);
        if (replaced != null && replaced.directory != inode.directory)
        {
            throw new FileSystemException(source.toString(), target.toString(),
                replaced.directory ? "Is a directory" : "Not a directory");
        }
        if (replaced != null && hasChildren(to))
        {
            throw new DirectoryNotEmptyException(target.toString());
        }
        mutate(boot, Mutation.METADATA, "rename", from, -1);
        current.remove(from);
        current.put(to, inode);
        pending.add(SimMetaOp.rename(from, to, inode));
    }

    @Override
    public synchronized void delete(final Path file) throws IOException
    {
        if (!deleteIfExists(file))
        {
            throw new NoSuchFileException(file.toString());
        }
    }

    /** Channels open on the file keep reading and writing its inode. */
    @Override
    public synchronized boolean deleteIfExists(final Path file) throws IOException
    {
        checkAlive(boot);
        final Path key = key(file);
        if (key.getParent() == null)
        {
            throw new FileSystemException(file.toString(), null, "Device or resource busy");
        }
        final SimInode inode = current.get(key);
        if (inode == null)
        {
            return false;
        }
        if (inode.directory && hasChildren(key))
        {
            throw new DirectoryNotEmptyException(file.toString());
        }
        mutate(boot, Mutation.METADATA, "delete", key, -1);
        current.remove(key);
        pending.add(SimMetaOp.delete(key, inode));
        return true;
    }

    /** @return the current length of a file (0 for a directory). */
    @Override
    public synchronized long size(final Path file) throws IOException
    {
        checkAlive(boot);
        final Path key = key(file);
        final SimInode inode = current.get(key);
        if (inode == null && key.getParent() != null)
        {
            throw new NoSuchFileException(file.toString());
        }
        return inode == null || inode.directory ? 0 : inode.length();
    }

    @Override
    public boolean real()
    {
        return false;
    }

    // ---------------------------------------------------------------------------------------------- power

    /**
     * Cuts the power (unless {@link #cutAfterMutations} already froze this boot) and boots again on the crash image:
     * <ul>
     *   <li>every pending entry change is independently kept or lost, replayed in order over the durable names;
     *       names left in a directory that does not exist disappear;</li>
     *   <li>each file that is still named gets its durable or its current length, and each sector touched by an
     *       unforced change holds its durable content or its content right after one of those changes;</li>
     *   <li>forced data and forced names survive exactly.</li>
     * </ul>
     * Randomness is drawn in a fixed order (the entry changes in order, then the files by path, each its length
     * and then its dirty sectors in ascending order), so the same history and the same seed give the same image.
     * Armed faults ({@link #failMutation}, {@link #cutAfterMutations}) are disarmed; read faults, lying and
     * corrupted sectors stay (they are the hardware).
     *
     * @param fate where every choice comes from.
     */
    public synchronized void powerCut(final SplittableRandom fate)
    {
        boot.frozen = true;
        final TreeMap<Path, SimInode> names = new TreeMap<>(durable);
        for (final SimMetaOp op : pending)
        {
            if (fate.nextBoolean())
            {
                op.applyTo(names);
            }
        }
        final TreeMap<Path, SimInode> survivors = new TreeMap<>();
        for (final Map.Entry<Path, SimInode> entry : names.entrySet())
        {
            if (isDirectoryIn(survivors, entry.getKey().getParent()))
            {
                survivors.put(entry.getKey(), entry.getValue());
            }
        }
        final Map<SimInode, SimInode> images = new IdentityHashMap<>();
        current = new TreeMap<>();
        durable = new TreeMap<>();
        for (final Map.Entry<Path, SimInode> entry : survivors.entrySet())
        {
            final SimInode old = entry.getValue();
            SimInode image = images.get(old);
            if (image == null)
            {
                image = old.directory ? new SimInode(nextInode++, true) : old.crashImage(nextInode++, sectorSize, fate);
                images.put(old, image);
            }
            current.put(entry.getKey(), image);
            durable.put(entry.getKey(), image);
        }
        pending.clear();
        boot = new Boot(boot.number + 1);
        cutAt = 0;
        failCountdown = 0;
        notifyAll();
    }

    /**
     * Cuts the power now without booting again: every operation of this boot, and the disk's own methods, throw
     * {@code IOException("power lost")} until {@link #powerCut} builds the crash image. The simulator freezes the
     * disk, stops the dead ledger's threads, and only then boots, so that no thread of the old boot can touch the
     * new one.
     */
    public synchronized void freeze()
    {
        boot.frozen = true;
        cutAt = 0;
        notifyAll();
    }

    /**
     * Arms a power cut: the {@code n}-th mutating operation from now (1: the next one) of any kind (write, truncate,
     * force, create, rename, delete, directory force or creation) does not happen; it throws
     * {@code IOException("power lost")} and the boot freezes, so that nothing after it happens either. The crash
     * image is built by the next {@link #powerCut}.
     */
    public synchronized void cutAfterMutations(final long n)
    {
        if (n < 1)
        {
            throw new IllegalArgumentException("n must be at least 1: " + n);
        }
        cutAt = boot.mutations + n;
    }

    /**
     * Arms one failure: the {@code n}-th operation from now (1: the next one) of the given kinds throws an
     * {@link IOException} naming the file ("simulated write error", "simulated fsync error" or "simulated metadata
     * error") and changes nothing; a failed force leaves the writes unforced. Replaces any failure armed before.
     */
    public synchronized void failMutation(final long n, final Mutation... kinds)
    {
        if (n < 1)
        {
            throw new IllegalArgumentException("n must be at least 1: " + n);
        }
        if (kinds.length == 0)
        {
            throw new IllegalArgumentException("no kind of mutation given");
        }
        failKinds = EnumSet.noneOf(Mutation.class);
        Collections.addAll(failKinds, kinds);
        failCountdown = n;
    }

    /** Disarms {@link #failMutation} and {@link #cutAfterMutations}. */
    public synchronized void disarm()
    {
        failCountdown = 0;
        cutAt = 0;
    }

    /** @return whether this boot is frozen by a cut armed with {@link #cutAfterMutations} (awaiting {@link #powerCut}). */
    public synchronized boolean frozen()
    {
        return boot.frozen;
    }

    /** @return the mutating operations this boot has made (those made to fail count; the one cut does not). */
    public synchronized long mutations()
    {
        return boot.mutations;
    }

    /** @return the number of this boot: 1 at first, one more after each {@link #powerCut}. */
    public synchronized int boot()
    {
        return boot.number;
    }

    // ---------------------------------------------------------------------------------------------- faults

    /** @param lying when true, forces (of files and directories) return normally but make nothing durable. */
    public synchronized void lying(final boolean lying)
    {
        this.lying = lying;
    }

    /** @return whether forces make nothing durable. */
    public synchronized boolean lying()
    {
        return lying;
    }

    /**
     * Makes every read (through a channel opened on {@code file}'s name) that overlaps [{@code from}, {@code to})
     * fail with an {@link IOException} naming the file and the first bad offset. Lasts across power cuts.
     */
    public synchronized void failReads(final Path file, final long from, final long to)
    {
        if (from < 0 || to <= from)
        {
            throw new IllegalArgumentException("bad range [" + from + ", " + to + ")");
        }
        readFaults.add(new ReadFault(key(file), from, to));
    }

    /** Removes every fault set by {@link #failReads}. */
    public synchronized void clearReadFaults()
    {
        readFaults.clear();
    }

    /**
     * Flips 1 to 8 random bits inside one random sector of the durable data of one random file among those with a
     * durable name: the platter rots. Reads see it too, unless an unforced write has since replaced the byte.
     *
     * @return the file and the sector's offset, or null when no durably named file holds durable data.
     */
    public synchronized String corruptDurableSector(final SplittableRandom random)
    {
        final ArrayList<Path> candidates = new ArrayList<>();
        final Map<SimInode, Boolean> seen = new IdentityHashMap<>();
        for (final Map.Entry<Path, SimInode> entry : durable.entrySet())
        {
            final SimInode inode = entry.getValue();
            if (!inode.directory && inode.durableLength() > 0 && seen.put(inode, Boolean.TRUE) == null)
            {
                candidates.add(entry.getKey());
            }
        }
        if (candidates.isEmpty())
        {
            return null;
        }
        final Path file = candidates.get(random.nextInt(candidates.size()));
        final SimInode inode = durable.get(file);
        final int sectors = (inode.durableLength() + sectorSize - 1) / sectorSize;
        return corrupt(file, inode, random.nextInt(sectors) * sectorSize, random);
    }

    /**
     * Flips 1 to 8 random bits inside the sector holding {@code offset} of {@code file}'s durable data.
     *
     * @return the file and the sector's offset.
     * @throws NoSuchFileException when the file has no durable name.
     * @throws IllegalArgumentException when {@code offset} is not inside its durable data.
     */
    public synchronized String corruptDurableSector(final Path file, final long offset, final SplittableRandom random)
        throws NoSuchFileException
    {
        final Path key = key(file);
        final SimInode inode = durable.get(key);
        if (inode == null || inode.directory)
        {
            throw new NoSuchFileException(file.toString(), null, "no durable file of that name");
        }
        if (offset < 0 || offset >= inode.durableLength())
        {
            throw new IllegalArgumentException("offset " + offset + " is outside the " + inode.durableLength()
                + " durable bytes of " + file);
        }
        return corrupt(key, inode, (int)(offset / sectorSize * sectorSize), random);
    }

    private String corrupt(final Path file, final SimInode inode, final int sectorStart, final SplittableRandom random)
    {
        final int flipped = inode.flipDurableBits(sectorStart, sectorSize, random);
        return file + " at offset " + sectorStart + " (" + flipped + " bits flipped)";
    }

    // ---------------------------------------------------------------------------------------------- inspection

    /** @return the sector size in bytes. */
    public int sectorSize()
    {
        return sectorSize;
    }

    /** @return the current bytes of every named file (each file once). */
    public synchronized long totalBytes()
    {
        long total = 0;
        for (final SimInode inode : distinctFiles())
        {
            total += inode.length();
        }
        return total;
    }

    /** @return the bytes written to named files since their last force. */
    public synchronized long unforcedBytes()
    {
        long total = 0;
        for (final SimInode inode : distinctFiles())
        {
            total += inode.unforcedBytes();
        }
        return total;
    }

    /** @return the directory-entry changes not yet durable. */
    public synchronized int pendingEntryChanges()
    {
        return pending.size();
    }

    /** @return every name (files and directories) in this boot's namespace, absolute and sorted. */
    public synchronized List<Path> paths()
    {
        checkAliveUnchecked();
        return new ArrayList<>(current.keySet());
    }

    /**
     * @return a copy of a file's current content.
     * @throws NoSuchFileException when it is not a file.
     */
    public synchronized byte[] contents(final Path file) throws IOException
    {
        checkAlive(boot);
        final SimInode inode = current.get(key(file));
        if (inode == null || inode.directory)
        {
            throw new NoSuchFileException(file.toString());
        }
        return inode.contents();
    }

    private static final int JOURNAL_LENGTH = 600;
    /** The last mutating operations, when tracing: for a finding's reproduction. */
    private java.util.ArrayDeque<String> journal;

    /** Keeps the last mutating operations (every boot) for {@link #describe()}: a debugging aid, off by default. */
    public synchronized void trace(final boolean on)
    {
        journal = on ? new java.util.ArrayDeque<>() : null;
    }

    /** @return the namespace with sizes, the durable names missing from it, and the pending entry changes. */
    public synchronized String describe()
    {
        final StringBuilder out = new StringBuilder();
        out.append("SimDisk boot ").append(boot.number).append(boot.frozen ? " (frozen)" : "")
            .append(lying ? " (lying)" : "").append(", ").append(boot.mutations).append(" mutations, sector ")
            .append(sectorSize).append('\n');
        for (final Map.Entry<Path, SimInode> entry : current.entrySet())
        {
            final SimInode inode = entry.getValue();
            out.append("  ").append(entry.getKey());
            if (inode.directory)
            {
                out.append("/\n");
                continue;
            }
            out.append("  ").append(inode.length()).append(" bytes (durable ").append(inode.durableLength())
                .append(", ").append(inode.unforcedChanges()).append(" unforced changes)");
            if (durable.get(entry.getKey()) != inode)
            {
                out.append(" [name not durable]");
            }
            out.append('\n');
        }
        for (final Map.Entry<Path, SimInode> entry : durable.entrySet())
        {
            if (current.get(entry.getKey()) != entry.getValue())
            {
                out.append("  durable only: ").append(entry.getKey()).append(" (inode ").append(entry.getValue().id)
                    .append(")\n");
            }
        }
        for (final SimMetaOp op : pending)
        {
            out.append("  pending: ").append(op).append('\n');
        }
        if (journal != null)
        {
            journal.forEach(line -> out.append("  op ").append(line).append('\n'));
        }
        return out.toString();
    }

    @Override
    public synchronized String toString()
    {
        return "SimDisk(boot " + boot.number + (boot.frozen ? ", frozen" : "") + ")";
    }

    // ---------------------------------------------------------------------------------------------- internals

    /** @return whether channels and locks of {@code of} may still act (caller holds the lock). */
    boolean alive(final Boot of)
    {
        return of == boot && !of.frozen;
    }

    /** @throws IOException "power lost" when {@code of} is not the running boot (caller holds the lock). */
    void checkAlive(final Boot of) throws IOException
    {
        if (!alive(of))
        {
            throw new IOException(POWER_LOST);
        }
    }

    /**
     * Counts one mutating operation of {@code of}, which is about to happen unless this throws: a power cut armed
     * for it freezes the boot, a failure armed for it fails it (caller holds the lock).
     *
     * @param offset where a write starts, or -1.
     */
    void mutate(final Boot of, final Mutation kind, final String action, final Path file, final long offset)
        throws IOException
    {
        checkAlive(of);
        if (journal != null)
        {
            if (journal.size() == JOURNAL_LENGTH)
            {
                journal.removeFirst();
            }
            journal.addLast("boot " + of.number + " #" + (of.mutations + 1) + " " + action + " " + file
                + (offset >= 0 ? " @" + offset : "") + " [" + Thread.currentThread().getName() + "]");
        }
        if (cutAt != 0 && of.mutations + 1 == cutAt)
        {
            of.frozen = true;
            cutAt = 0;
            notifyAll();
            throw new IOException(POWER_LOST);
        }
        of.mutations++;
        if (failCountdown > 0 && failKinds.contains(kind) && --failCountdown == 0)
        {
            final String error = switch (kind)
            {
                case WRITE -> "simulated write error: ";
                case FORCE -> "simulated fsync error: ";
                case METADATA -> "simulated metadata error: ";
            };
            throw new IOException(error + action + " of " + file + (offset >= 0 ? " at offset " + offset : ""));
        }
    }

    /** @throws IOException when a read fault overlaps [{@code from}, {@code to}) of {@code file} (caller holds the lock). */
    void checkRead(final Path file, final long from, final long to) throws IOException
    {
        for (int i = 0; i < readFaults.size(); i++)
        {
            final ReadFault fault = readFaults.get(i);
            if (fault.from < to && from < fault.to && fault.file.equals(file))
            {
                throw new IOException("Input/output error: read of " + file + " at offset "
                    + Math.max(from, fault.from) + " (simulated bad sector)");
            }
        }
    }

    private void checkAliveUnchecked()
    {
        if (!alive(boot))
        {
            throw new UncheckedIOException(new IOException(POWER_LOST));
        }
    }

    private boolean isDirectoryKey(final Path key)
    {
        return isDirectoryIn(current, key);
    }

    private static boolean isDirectoryIn(final Map<Path, SimInode> names, final Path key)
    {
        if (key.getParent() == null)
        {
            return true;
        }
        final SimInode inode = names.get(key);
        return inode != null && inode.directory;
    }

    private void checkParent(final Path key, final Path given) throws IOException
    {
        final Path parent = key.getParent();
        if (!isDirectoryKey(parent))
        {
            if (current.containsKey(parent))
            {
                throw new FileSystemException(given.toString(), null, "Not a directory");
            }
            throw new NoSuchFileException(given.toString());
        }
    }

    private boolean hasChildren(final Path directory)
    {
        for (final Path path : current.keySet())
        {
            if (directory.equals(path.getParent()))
            {
                return true;
            }
        }
        return false;
    }

    private List<SimInode> distinctFiles()
    {
        final Map<SimInode, Boolean> seen = new IdentityHashMap<>();
        final List<SimInode> files = new ArrayList<>();
        for (final SimInode inode : current.values())
        {
            if (!inode.directory && seen.put(inode, Boolean.TRUE) == null)
            {
                files.add(inode);
            }
        }
        return files;
    }

    private static Path key(final Path path)
    {
        return path.toAbsolutePath().normalize();
    }
}
