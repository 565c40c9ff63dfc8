package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Attack on issue 11: a cycle file cut short (truncated inside its data). {@code ledger feed} and
 * {@code ledger history} read it through a memory mapping past the end of the file, get
 * java.lang.InternalError ("a fault occurred in a recent unsafe memory access operation"), which is an Error and
 * so passes the CLI's handlers: the JVM prints "Exception in thread main" and a stack trace and exits 1.
 * Expected (docs/FEED.md, ledger --help): exit 1 "a feed that does not read back" with a message, or 5 "an
 * unexpected error, in one line"; never a raw stack trace.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedTruncatedCycleFileCliAttackTest
{
    @TempDir
    Path dir;

    @Test
    void aTruncatedCycleFileIsReportedInOneLine() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(64).maxHolds(64)
            .idempotencyWindow(64).feed(true).build()))
        {
            ledger.openAccount(1);
            long last = 0;
            for (int i = 0; i < 20_000; i++)
            {
                last = ledger.deposit(1, 1);
            }
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(30)));
        }
        final Path cycle;
        try (Stream<Path> files = Files.list(dir.resolve("feed")))
        {
            cycle = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(cycle.toFile(), "rw"))
        {
            final byte[] all = new byte[(int)Math.min(raf.length(), 64 << 20)];
            raf.readFully(all);
            int end = all.length - 1;
            while (end > 0 && all[end] == 0)
            {
                end--;
            }
            raf.setLength(end / 2);
        }
        for (final String[] args : new String[][] {{"feed", "--data", dir.toString()},
            {"history", "--data", dir.toString(), "--account", "1"}})
        {
            final Cli.Run run = Cli.run(null, args);
            final String what = String.join(" ", args) + ": exit " + run.exit() + "\n" + run.err();
            assertTrue(run.exit() == 1 || run.exit() == 5, what);
            assertFalse(run.err().contains("Exception in thread") || run.err().contains("\tat "), what);
        }
    }
}
