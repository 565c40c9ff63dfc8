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

    /**
     * Found by the attack on issue 8 (D3): after a failed fsync the ledger said "nothing after N is committed",
     * yet a reopen in the same boot read the unforced frame back from the page cache and reported it
     * committed, without ever forcing it. A caller who retried those transactions would pay twice, and a
     * power cut would lose what was reported committed. The failed frame is now erased, and the failure says so.
     */
    @Test
    void aFrameWhoseForceFailedIsNeverRecoveredAsCommitted() throws Exception
    {
        final Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxBatch(64)
            .storage(FaultyChannels.failingAfter(5, Integer.MAX_VALUE)).build());
        LedgerFailedException failure = null;
        try
        {
            ledger.openAccount(1);
            for (int i = 0; i < 1_000_000; i++)
            {
                final long id = ledger.deposit(1, 1);
                if (i % 16 == 0)
                {
                    ledger.await(id, Level.COMMITTED, Duration.ofSeconds(10));
                }
            }
        }
        catch (final LedgerFailedException e)
        {
            failure = e;
        }
        assertTrue(failure != null, "the sixth force failed, and the ledger said so");
        final long committed = ledger.commitIndex();
        assertThrows(LedgerFailedException.class, ledger::close);
        try (Ledger reopened = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            assertEquals(committed, reopened.recoveryReport().lastTxId(),
                "exactly what the failed ledger reported committed, no more: " + reopened.recoveryReport());
            assertEquals(committed - 1, reopened.balance(1).orElseThrow().balance());
        }
        assertTrue(String.valueOf(failure.getCause()).contains("erased"), String.valueOf(failure.getCause()));
    }

    /**
     * D3, the other half: frames recovered from the page cache (a kill -9 between write and force, or an
     * erasure that could not be forced) are forced before they count as committed; when that force fails,
     * the ledger does not open.
     */
    @Test
    void reopeningForcesTheRecoveredTailOrRefusesToOpen() throws Exception
    {
        try (Ledger ledger = Ledger.open(dir))
        {
            ledger.openAccount(1);
            assertTrue(ledger.await(ledger.deposit(1, 7), Level.COMMITTED, Duration.ofSeconds(10)));
        }
        final LedgerConfig failingForces = LedgerConfig.builder(dir)
            .storage(FaultyChannels.failingAfter(0, Integer.MAX_VALUE)).build();
        final Exception e = assertThrows(Exception.class, () -> Ledger.open(failingForces).close());
        assertTrue(String.valueOf(e).contains("fsync failed") || String.valueOf(e.getCause()).contains("fsync failed"),
            String.valueOf(e));
        try (Ledger reopened = Ledger.open(dir))
        {
            assertEquals(7, reopened.balance(1).orElseThrow().balance(), "a refused open changed nothing");
        }
    }

    private void check(final FaultyChannels channels, final String expectedError) throws Exception
    {
        final LedgerConfig config = LedgerConfig.builder(dir).maxBatch(64).storage(channels).build();
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
