package io.roda.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found on Temurin 25 (2026-12-03): {@code SimulatorRegressionTest} ran out of heap because every closed ledger
 * stayed in {@link DirectoryLock}'s table of held locks, and with it the lock's channel and, on the simulated disk,
 * every byte of every file. A closed ledger, and an open that fails after taking the lock, must leave the table as
 * they found it.
 */
@Timeout(60)
class DirectoryLockLeakRegressionTest
{
    @TempDir
    Path tmp;

    @Test
    void aClosedLedgerForgetsItsLock() throws Exception
    {
        final int before = DirectoryLock.held();
        for (int i = 0; i < 3; i++)
        {
            try (Ledger ledger = Ledger.open(LedgerConfig.builder(tmp.resolve("ledger")).maxAccounts(8).build()))
            {
                assertEquals(before + 1, DirectoryLock.held(), "an open ledger holds its directory");
                ledger.openAccount(1);
                assertTrue(ledger.await(ledger.deposit(1, 5), Level.COMMITTED, Duration.ofSeconds(30)));
            }
            assertEquals(before, DirectoryLock.held(), "close " + (i + 1) + " forgets the lock");
        }
    }

    @Test
    void anOpenThatFailsAfterLockingForgetsItsLock() throws Exception
    {
        final Path dir = tmp.resolve("damaged");
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(8).build()))
        {
            ledger.openAccount(1);
        }
        final Path settings = dir.resolve("LEDGER");
        Files.write(settings, new byte[(int)Files.size(settings)]); // both copies fail their checksum
        final int before = DirectoryLock.held();
        assertThrows(RecoveryException.class, () -> Ledger.open(LedgerConfig.builder(dir).maxAccounts(8).build()));
        assertEquals(before, DirectoryLock.held(), "the failed open forgets the lock it took");
        try (DirectoryLock shared = DirectoryLock.shared(dir))
        {
            assertEquals(before + 1, DirectoryLock.held(), "and a reader may take the directory");
        }
        assertEquals(before, DirectoryLock.held());
    }
}
