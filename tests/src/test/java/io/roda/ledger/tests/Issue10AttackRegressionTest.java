package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.common.StageStats;
import io.roda.ledger.ChainBuilder;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/** Defects found by the outside attack on issue 10, one test each. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Issue10AttackRegressionTest
{
    @TempDir
    Path tmp;

    private static ObjectName nameOf(final Path dir) throws Exception
    {
        return new ObjectName("io.roda.ledger:type=Ledger,directory=" + ObjectName.quote(dir.toRealPath().toString()));
    }

    @Test
    void oddDirectoryNamesRegisterAndUnregister() throws Exception
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (final String odd : new String[] {"a \"quoted\" dir", "comma,dir=x", "star*?", "ünïcødé ☃", "back\\slash",
            "new\nline", "colon:dir"})
        {
            final Path dir = tmp.resolve(odd);
            try (Ledger ledger = Ledger.open(dir))
            {
                final ObjectName name = nameOf(dir);
                assertTrue(server.isRegistered(name), odd);
                assertEquals(dir.toRealPath().toString(), server.getAttribute(name, "Directory"));
                final long id = ledger.openAccount(1);
                assertTrue(ledger.await(id, Level.COMMITTED, Duration.ofSeconds(30)));
                assertEquals(id, (long)server.getAttribute(name, "CommitIndex"));
            }
            assertFalse(server.isRegistered(nameOf(dir)), odd);
        }
    }

    /**
     * D1: two open ledgers whose paths normalized alike (T/a/link/../d is really T/b/d, beside T/a/d) got one
     * name; the second registration removed the first ledger's live MBean as if it were stale. Names now come
     * from the real path, and a taken name is never replaced.
     */
    @Test
    void twoOpenLedgersWhosePathsNormalizeAlikeEachKeepTheirOwnMBean() throws Exception
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b").resolve("c"));
        Files.createSymbolicLink(tmp.resolve("a").resolve("link"), tmp.resolve("b").resolve("c"));
        final Path first = tmp.resolve("a").resolve("d");                                   // really T/a/d
        final Path second = tmp.resolve("a").resolve("link").resolve("..").resolve("d");    // really T/b/d
        try (Ledger one = Ledger.open(first); Ledger two = Ledger.open(second))
        {
            assertTrue(Files.exists(tmp.resolve("b").resolve("d").resolve("LOCK")), "two distinct directories");
            for (int i = 0; i < 3; i++)
            {
                one.openAccount(i + 1);
            }
            assertTrue(one.await(one.lastTxId(), Level.COMMITTED, Duration.ofSeconds(30)));
            assertTrue(two.await(two.openAccount(7), Level.COMMITTED, Duration.ofSeconds(30)));
            assertEquals(first.toRealPath().toString(), server.getAttribute(nameOf(first), "Directory"));
            assertEquals(one.commitIndex(), (long)server.getAttribute(nameOf(first), "CommitIndex"));
            assertEquals(second.toRealPath().toString(), server.getAttribute(nameOf(second), "Directory"));
            assertEquals(two.commitIndex(), (long)server.getAttribute(nameOf(second), "CommitIndex"));
            two.close();
            assertTrue(server.isRegistered(nameOf(first)), "closing one ledger leaves the other's MBean");
        }
    }

    /**
     * D2: a reading taken while the ledger ran could count a batch in {@code batches} that its histogram did not
     * show yet (the counters were read without a consistent cut). Readings are now seqlocked.
     */
    @Test
    void everyLiveReadingOfTheCountersIsConsistent() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(tmp.resolve("counters")).snapshotEveryTx(1000).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, Long.MAX_VALUE / 2);
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread load = new Thread(() ->
            {
                final ChainBuilder batch = ledger.batchBuilder();
                while (!stop.get())
                {
                    for (int i = 0; i < 1 + (int)(System.nanoTime() % 7); i++)
                    {
                        batch.transfer(1, 2, 1);
                    }
                    batch.submit();
                }
            });
            load.start();
            String problem = null;
            int readings = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (problem == null && System.nanoTime() < deadline)
            {
                for (final StageStats s : ledger.stageStats())
                {
                    readings++;
                    long sum = 0;
                    for (final long c : s.getBatchHistogram())
                    {
                        sum += c;
                    }
                    if (sum != s.getBatches())
                    {
                        problem = s.getStage() + ": histogram sums to " + sum + " but batches = " + s.getBatches()
                            + " (reading " + readings + ")";
                    }
                    if (s.getBusyRatio() < 0 || s.getBusyRatio() > 1)
                    {
                        problem = s.getStage() + ": busy ratio " + s.getBusyRatio();
                    }
                    if (s.getBusyLoops() != s.getBatches())
                    {
                        problem = s.getStage() + ": busy loops " + s.getBusyLoops() + " != batches " + s.getBatches();
                    }
                }
            }
            stop.set(true);
            load.join();
            assertEquals(null, problem, "after " + readings + " readings");
            assertTrue(ledger.await(ledger.lastTxId(), Level.COMMITTED, Duration.ofSeconds(30)));
        }
    }
}
