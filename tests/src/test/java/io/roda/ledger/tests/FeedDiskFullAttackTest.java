package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Attack on issue 11: "a failing feed (its disk is full) stops the feed alone; the ledger runs on". DIR/feed is
 * a small tmpfs (the WAL is on another file system) that fills up while the feed appends. Expected: the ledger
 * commits every transaction, {@code feedFailure()} names the problem. Needs root to mount a tmpfs; skipped
 * otherwise.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedDiskFullAttackTest
{
    @TempDir
    Path dir;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception
    {
        mount = dir.resolve("feed");
        Files.createDirectories(mount);
        mounted = exec("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root); skipped");
    }

    @AfterEach
    void unmount()
    {
        if (mounted)
        {
            exec("umount", "-l", mount.toString());
        }
    }

    private static int exec(final String... command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        }
        catch (final IOException e)
        {
            return -1;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void aFullFeedDiskStopsOnlyTheFeed() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(64).maxHolds(64)
            .idempotencyWindow(64).feed(true).build()))
        {
            ledger.openAccount(1);
            long last = 0;
            for (int i = 0; i < 150_000; i++)
            {
                last = ledger.deposit(1, 1);
            }
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(60)), "the ledger commits everything");
            final long more = ledger.deposit(1, 1);
            assertTrue(ledger.await(more, Level.COMMITTED, Duration.ofSeconds(10)), "and goes on");
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (ledger.feedFailure() == null && ledger.feedIndex() < more && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertNotNull(ledger.feedFailure(), "a 2 MiB feed disk cannot hold 150,000 entries; feedIndex "
                + ledger.feedIndex());
        }
    }
}
