package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.common.StageStats;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Issue 10: every open ledger shows its progress indexes, lags and per-stage counters on JMX, and through
 * {@link Ledger#stageStats()}; the counters add up to what was submitted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StageCountersJmxTest
{
    @TempDir
    Path dir;

    @Test
    void anOpenLedgerShowsItsIndexesAndStageCountersOnJmx() throws Exception
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName name = new ObjectName("io.roda.ledger:type=Ledger,directory="
            + ObjectName.quote(dir.toRealPath().toString()));
        final int transfers = 5_000;
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).snapshotOnClose(false).build()))
        {
            assertTrue(server.isRegistered(name), "registered at open as " + name);
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 1_000_000);
            long last = 0;
            for (int i = 0; i < transfers; i++)
            {
                last = ledger.transfer(1, 2, 1);
            }
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(60)));
            final long operations = last; // ids start at 1: every id was one operation
            // a stage updates its counters right after the loop that advanced the index: wait for that loop
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ledger.stageStats().get(2).getItems() < operations && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }

            assertEquals(ledger.commitIndex(), (long)server.getAttribute(name, "CommitIndex"));
            assertEquals(last, (long)server.getAttribute(name, "LastAssignedId"));
            assertEquals(0L, (long)server.getAttribute(name, "ComputeLag"));
            assertEquals(0L, (long)server.getAttribute(name, "CommitLag"), "everything computed is committed");
            assertEquals(ledger.commitIndex() - ledger.snapshotIndex(), (long)server.getAttribute(name, "SnapshotLag"));
            assertFalse((boolean)server.getAttribute(name, "Failed"));
            assertEquals(4, ((String[])server.getAttribute(name, "StagePlacement")).length);

            for (final String stage : new String[] {"Sequencer", "Transactor", "Wal"})
            {
                final CompositeData data = (CompositeData)server.getAttribute(name, stage);
                assertEquals(operations, (long)data.get("items"), stage + " handled every operation once");
                final long batches = (long)data.get("batches");
                assertTrue(batches >= 1 && batches <= operations, stage + ": " + batches + " batches");
                assertEquals((double)operations / batches, (double)data.get("meanBatch"), 1e-9);
                final double busy = (double)data.get("busyRatio");
                assertTrue(busy > 0 && busy <= 1, stage + " busy ratio " + busy);
                long histogramBatches = 0;
                for (final long count : (long[])data.get("batchHistogram"))
                {
                    histogramBatches += count;
                }
                assertEquals(batches, histogramBatches, stage + ": the histogram counts every batch once");
            }
            final CompositeData wal = (CompositeData)server.getAttribute(name, "Wal");
            assertTrue((long)wal.get("ioOperations") >= 1, "frames were forced");
            assertTrue((long)wal.get("ioNanos") > 0);

            final List<StageStats> stats = ledger.stageStats();
            assertEquals(List.of("sequencer", "transactor", "wal", "snapshotter"),
                stats.stream().map(StageStats::getStage).collect(java.util.stream.Collectors.toList()));
        }
        assertFalse(server.isRegistered(name), "unregistered at close");
    }

    @Test
    void aReopenedLedgerRegistersAgain() throws Exception
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName name = new ObjectName("io.roda.ledger:type=Ledger,directory="
            + ObjectName.quote(dir.toRealPath().toString()));
        for (int round = 0; round < 2; round++)
        {
            try (Ledger ledger = Ledger.open(dir))
            {
                assertTrue(server.isRegistered(name), "round " + round);
                final long id = ledger.openAccount(round + 1);
                assertTrue(ledger.await(id, Level.COMMITTED, Duration.ofSeconds(30)));
                assertEquals(id, (long)server.getAttribute(name, "CommitIndex"));
            }
            assertFalse(server.isRegistered(name));
        }
    }
}
