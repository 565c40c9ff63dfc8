package io.roda.ledger;

import java.lang.management.ManagementFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.roda.common.StageStats;

/** The {@link LedgerMXBean} of one open ledger, and its registration. */
final class LedgerJmx implements LedgerMXBean
{
    private final String directory;
    private final LedgerPipeline pipeline;

    private LedgerJmx(final String directory, final LedgerPipeline pipeline)
    {
        this.directory = directory;
        this.pipeline = pipeline;
    }

    /**
     * @return the directory as the MBean names it: its real path (symbolic links resolved, so that two paths to
     *     one directory give one name and paths that only look alike give two), or the absolute normalized path
     *     when it cannot be resolved.
     */
    static String canonical(final java.nio.file.Path directory)
    {
        try
        {
            return directory.toRealPath().toString();
        }
        catch (final java.io.IOException | RuntimeException e)
        {
            return directory.toAbsolutePath().normalize().toString();
        }
    }

    /** @return the name under which the ledger in {@code directory} is registered (the first one of its name). */
    static ObjectName nameFor(final java.nio.file.Path directory)
    {
        return name(canonical(directory), 1);
    }

    private static ObjectName name(final String directory, final int instance)
    {
        try
        {
            return new ObjectName("io.roda.ledger:type=Ledger,directory=" + ObjectName.quote(directory)
                + (instance == 1 ? "" : ",instance=" + instance));
        }
        catch (final JMException e)
        {
            throw new IllegalStateException("cannot name the MBean of " + directory, e);
        }
    }

    /**
     * Registers the ledger's MBean. Observability must never stop a ledger from opening: a failure is logged
     * and the ledger runs without it.
     *
     * @return the registered name, or null when it could not be registered.
     */
    static ObjectName register(final java.nio.file.Path directory, final LedgerPipeline pipeline)
    {
        final String real = canonical(directory);
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final LedgerJmx bean = new LedgerJmx(real, pipeline);
        try
        {
            // one ledger per real directory can be open (its LOCK), and close() always unregisters: a taken name is
            // another live bean, never ours to remove, so a later one gets the next free instance number
            for (int instance = 1; ; instance++)
            {
                final ObjectName name = name(real, instance);
                try
                {
                    server.registerMBean(bean, name);
                    return name;
                }
                catch (final InstanceAlreadyExistsException taken)
                {
                    if (instance == 1_000)
                    {
                        throw taken;
                    }
                }
            }
        }
        catch (final JMException | RuntimeException e)
        {
            System.getLogger(Ledger.class.getName()).log(System.Logger.Level.WARNING,
                "ledger " + directory + " runs without its JMX MBean: " + e);
            return null;
        }
    }

    /** Unregisters {@code name} (null: nothing to do). */
    static void unregister(final ObjectName name)
    {
        if (name == null)
        {
            return;
        }
        try
        {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
        catch (final InstanceNotFoundException gone)
        {
            // unregistered already
        }
        catch (final JMException | RuntimeException e)
        {
            System.getLogger(Ledger.class.getName()).log(System.Logger.Level.WARNING,
                "cannot unregister the JMX MBean " + name + ": " + e);
        }
    }

    @Override
    public String getDirectory()
    {
        return directory;
    }

    @Override
    public long getLastAssignedId()
    {
        return Math.max(pipeline.firstResultTxId - 1, pipeline.submissions.lastAssignedId());
    }

    @Override
    public long getComputeIndex()
    {
        return pipeline.computeIndex.get();
    }

    @Override
    public long getCommitIndex()
    {
        return pipeline.commitIndex.get();
    }

    @Override
    public long getSnapshotIndex()
    {
        return pipeline.snapshotIndex.get();
    }

    @Override
    public long getComputeLag()
    {
        final long computed = pipeline.computeIndex.get();
        return Math.max(0, pipeline.submissions.lastAssignedId() - computed);
    }

    @Override
    public long getCommitLag()
    {
        final long committed = pipeline.commitIndex.get(); // read the later index first: the lag is never negative
        return Math.max(0, pipeline.computeIndex.get() - committed);
    }

    @Override
    public long getSnapshotLag()
    {
        final long snapshotted = pipeline.snapshotIndex.get();
        return Math.max(0, pipeline.commitIndex.get() - snapshotted);
    }

    @Override
    public String[] getStagePlacement()
    {
        return pipeline.placement().toArray(new String[0]);
    }

    @Override
    public boolean isFailed()
    {
        return pipeline.failed();
    }

    @Override
    public StageStats getSequencer()
    {
        return pipeline.stageStats(0);
    }

    @Override
    public StageStats getTransactor()
    {
        return pipeline.stageStats(1);
    }

    @Override
    public StageStats getWal()
    {
        return pipeline.stageStats(2);
    }

    @Override
    public StageStats getSnapshotter()
    {
        return pipeline.stageStats(3);
    }
}
