package io.roda.simulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * One directory-entry change not yet made durable: a create (binds a name to an inode), a delete (unbinds a name
 * from an inode) or a rename (both at once, atomically). It names the inode it was made on, so that replayed in a
 * crash image where other changes were lost it still means the same thing: a delete or the removal half of a
 * rename only unbinds the name if it still names that inode, and a kept rename of a file whose create was lost
 * still binds the target to that file.
 *
 * <p>It becomes durable when every directory it changes has been forced: one for a create or a delete, the
 * source's and the target's for a rename across directories (POSIX promises nothing weaker).
 */
final class SimMetaOp
{
    private final Path source;
    private final Path target;
    private final SimInode inode;
    private final ArrayList<Path> unforcedDirectories = new ArrayList<>(2);

    private SimMetaOp(final Path source, final Path target, final SimInode inode)
    {
        this.source = source;
        this.target = target;
        this.inode = inode;
        if (source != null)
        {
            unforcedDirectories.add(source.getParent());
        }
        if (target != null && !unforcedDirectories.contains(target.getParent()))
        {
            unforcedDirectories.add(target.getParent());
        }
    }

    /** A create (of a file or a directory) of {@code path}, bound to {@code inode}. */
    static SimMetaOp create(final Path path, final SimInode inode)
    {
        return new SimMetaOp(null, path, inode);
    }

    /** A delete of {@code path}, which named {@code inode}. */
    static SimMetaOp delete(final Path path, final SimInode inode)
    {
        return new SimMetaOp(path, null, inode);
    }

    /** A rename of {@code source}, which named {@code inode}, to {@code target}. */
    static SimMetaOp rename(final Path source, final Path target, final SimInode inode)
    {
        return new SimMetaOp(source, target, inode);
    }

    /**
     * Records that {@code directory} was forced.
     *
     * @return whether this change is now durable (every directory it changes has been forced).
     */
    boolean directoryForced(final Path directory)
    {
        return unforcedDirectories.remove(directory) && unforcedDirectories.isEmpty();
    }

    /** Applies this change to a namespace (absolute normalised path to inode). */
    void applyTo(final Map<Path, SimInode> namespace)
    {
        if (source != null && namespace.get(source) == inode)
        {
            namespace.remove(source);
        }
        if (target != null)
        {
            namespace.put(target, inode);
        }
    }

    @Override
    public String toString()
    {
        if (source == null)
        {
            return "create " + target + " (inode " + inode.id + ")";
        }
        if (target == null)
        {
            return "delete " + source + " (inode " + inode.id + ")";
        }
        return "rename " + source + " -> " + target + " (inode " + inode.id + ")";
    }
}
