package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerFailedException;
import io.roda.ledger.Level;

/**
 * A disk that fails: after N successful forces (or writes) the WAL channel throws, as fsync errors or
 * a full file system do. The ledger must stop, report the error, never report later transactions
 * committed, and lose nothing it did acknowledge.
 */
class FailingDiskTest
{
    @TempDir
    Path dir;

    @Test
    void failedForceStopsTheLedgerAndLosesNoAcknowledgedCommit() throws Exception
    {
        check(FaultyChannels.failingAfter(20, Integer.MAX_VALUE), "injected: fsync failed");
    }

    @Test
    void fullDiskOnWriteStopsTheLedgerAndLosesNoAcknowledgedCommit() throws Exception
    {
        check(FaultyChannels.failingAfter(Integer.MAX_VALUE, 20), "No space left on device");
    }

    private void check(final FaultyChannels channels, final String expectedError) throws Exception
    {
        final LedgerConfig config = LedgerConfig.builder(dir).maxBatch(64).walChannels(channels).build();
        final Ledger ledger = Ledger.open(config);
        long acknowledged = 0;
        LedgerFailedException failure = null;
        try
        {
            ledger.openAccount(1);
            for (int i = 0; i < 1_000_000 && failure == null; i++)
            {
                final long id = ledger.deposit(1, 1);
                if (i % 50 == 0 && ledger.await(id, Level.COMMITTED, Duration.ofSeconds(10)))
                {
                    acknowledged = id;
                }
            }
        }
        catch (final LedgerFailedException e)
        {
            failure = e;
        }
        assertTrue(failure != null, "the ledger reported the failure to its callers");
        assertTrue(String.valueOf(failure.getCause()).contains(expectedError), String.valueOf(failure.getCause()));
        final long committed = ledger.commitIndex();
        assertTrue(committed >= acknowledged);
        assertThrows(LedgerFailedException.class, () -> ledger.deposit(1, 1), "no more work is accepted");
        assertThrows(LedgerFailedException.class, ledger::close, "close reports the failure too");
        assertEquals(committed, ledger.commitIndex(), "nothing more is ever reported committed");

        try (Ledger reopened = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            assertTrue(reopened.recoveryReport().lastTxId() >= committed,
                "every acknowledged commit survived: " + reopened.recoveryReport());
            assertEquals(reopened.recoveryReport().lastTxId() - 1,
                reopened.balance(1).orElseThrow().balance(), "one unit per deposit recovered");
        }
    }
}
