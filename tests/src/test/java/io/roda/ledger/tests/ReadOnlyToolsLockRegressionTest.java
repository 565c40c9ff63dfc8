package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.DirectoryInUseException;
import io.roda.ledger.DirectoryLock;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;

/**
 * Issue 8, item 10: read-only tools took no lock, so {@code recover} beside a running {@code apply}
 * sometimes reported corruption ({@code bad frame header ... not a torn tail}, NoSuchFileException) on a
 * healthy ledger. They now take DIR/LOCK shared and say the directory is in use (exit 4).
 */
@Timeout(180)
class ReadOnlyToolsLockRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void readersBesideARunningLedgerSayInUseAndNeverReportCorruption() throws Exception
    {
        final Workload workload = new Workload(4, 20);
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(1000).walSegmentSize(8 * 1024)
            .maxBatch(64).snapshotEveryTx(500).build()))
        {
            final Thread writer = new Thread(() ->
            {
                for (long i = 1; !Thread.currentThread().isInterrupted(); i++)
                {
                    ledger.submit(workload.op(i));
                    if (i % 50 == 0)
                    {
                        try
                        {
                            ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30));
                        }
                        catch (final InterruptedException e)
                        {
                            return;
                        }
                    }
                }
            });
            writer.start();
            try
            {
                assertThrows(DirectoryInUseException.class, () -> Recovery.recover(dir, Recovery.USE_STORED, null));
                for (int round = 0; round < 3; round++)
                {
                    for (final String command : new String[] {"recover", "inspect", "balances"})
                    {
                        final Cli.Run run = Cli.run(null, command, "--data", dir.toString());
                        assertEquals(4, run.exit(), command + ": " + run.out() + run.err());
                        assertTrue(run.err().contains("in use"), command + ": " + run.err());
                        assertFalse((run.out() + run.err()).contains("CORRUPT"), run.out());
                    }
                }
            }
            finally
            {
                writer.interrupt();
                writer.join();
            }
        }
        assertEquals(0, Cli.run(null, "recover", "--data", dir.toString()).exit(), "once closed, readable");
        try (DirectoryLock reading = DirectoryLock.shared(dir))
        {
            assertThrows(DirectoryInUseException.class, () -> Ledger.open(dir), "no ledger opens beside a reader");
        }
    }

    /**
     * Found by the attack on the fix (h-attack2 D1): with DIR/LOCK deleted behind a running ledger, a second
     * {@code apply} created a new LOCK, locked it, wrote the same WAL and had its acknowledged operation
     * overwritten; {@code recover} read the live directory. The writer now also locks the WAL segment it
     * appends to, and every reader and writer checks that lock before it reads the WAL.
     */
    @Test
    void aDeletedLockFileLetsNoSecondWriterOrReaderIn() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            ledger.openAccount(1);
            assertTrue(ledger.await(ledger.deposit(1, 10), Level.COMMITTED, Duration.ofSeconds(30)));
            java.nio.file.Files.delete(dir.resolve("LOCK"));

            final Cli.Run recover = Cli.run(null, "recover", "--data", dir.toString());
            assertEquals(4, recover.exit(), recover.out() + recover.err());
            assertTrue(recover.err().contains("in use"), recover.err());
            final Cli.Run apply = Cli.run("open,7\n", "apply", "--data", dir.toString(), "--input", "-");
            assertEquals(4, apply.exit(), apply.out() + apply.err());
            assertTrue(apply.err().contains("in use") && apply.out().isEmpty(), apply.out() + apply.err());

            assertTrue(ledger.await(ledger.deposit(1, 5), Level.COMMITTED, Duration.ofSeconds(30)),
                "the first ledger goes on undisturbed");
        }
        try (Ledger reopened = Ledger.open(dir))
        {
            assertEquals(15, reopened.balance(1).orElseThrow().balance());
            assertTrue(reopened.balance(7).isEmpty(), "the refused apply changed nothing");
        }
    }
}
