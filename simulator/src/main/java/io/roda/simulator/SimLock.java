package io.roda.simulator;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;

/**
 * An advisory lock on a range of a simulated file, held by one channel until released, the channel closed, or the
 * power lost (a lock of a dead boot is never valid).
 */
final class SimLock extends FileLock
{
    private final SimDisk disk;
    private final SimDisk.Boot boot;
    private final SimInode inode;
    private boolean valid = true;

    SimLock(final SimChannel channel, final SimDisk disk, final SimDisk.Boot boot, final SimInode inode,
        final long position, final long size, final boolean shared)
    {
        super(channel, position, size, shared);
        this.disk = disk;
        this.boot = boot;
        this.inode = inode;
    }

    @Override
    public boolean isValid()
    {
        synchronized (disk)
        {
            return valid && disk.alive(boot);
        }
    }

    @Override
    public void release() throws IOException
    {
        if (!acquiredBy().isOpen())
        {
            throw new ClosedChannelException();
        }
        synchronized (disk)
        {
            disk.checkAlive(boot);
            if (valid)
            {
                valid = false;
                inode.locks.remove(this);
                disk.notifyAll();
            }
        }
    }

    /** Marks the lock released (its channel closed); the caller removes it from the inode. */
    void invalidate()
    {
        valid = false;
    }

    /** @return whether this lock, held by another channel than {@code by}, forbids that channel this range and mode. */
    boolean conflicts(final SimChannel by, final long position, final long size, final boolean shared)
    {
        return acquiredBy() != by && overlaps(position, size) && !(shared && isShared());
    }
}
