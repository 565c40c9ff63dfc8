package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Issue 11: a ledger opened with the feed on, but without restating a setting stored in DIR/LEDGER that differs
 * from the default (maxAccounts, maxHolds, idempotencyWindow), ran with the feed off: adopting the stored
 * settings rebuilt the configuration without the feed's three settings. {@code ledger apply --feed} on a ledger
 * created with {@code --max-accounts 4096} printed its results and published nothing; {@code feedIndex()} said
 * "the feed is off". The feed, its roll cycle and its retention survive the adoption.
 */
@Timeout(120)
class FeedDroppedWithStoredSettingsRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void theFeedStaysOnWhenTheLedgerAdoptsItsStoredSettings() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(4096).maxHolds(64)
            .idempotencyWindow(64).build()))
        {
            ledger.await(ledger.openAccount(1), Level.COMMITTED, Duration.ofSeconds(30));
        }
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).feed(true).feedRollCycle("FAST_HOURLY")
            .feedRetention(Duration.ofDays(2)).build()))
        {
            assertEquals(4096, ledger.config().maxAccounts(), "the stored value is adopted");
            assertTrue(ledger.config().feed(), "the feed is still on");
            assertEquals("FAST_HOURLY", ledger.config().feedRollCycle());
            assertEquals(Duration.ofDays(2), ledger.config().feedRetention());
            final long deposit = ledger.deposit(1, 500);
            ledger.await(deposit, Level.COMMITTED, Duration.ofSeconds(30));
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ledger.feedIndex() < deposit && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertEquals(deposit, ledger.feedIndex(), "the feed holds the deposit");
        }
        assertTrue(Files.exists(dir.resolve("feed").resolve("metadata.cq4t")));
        try (LedgerFeed feed = LedgerFeed.open(dir))
        {
            assertEquals(1, feed.firstTxId());
            assertEquals(2, feed.lastTxId());
            assertEquals(500, feed.history(1, 1, 0).get(0).balanceAfter());
        }
    }
}
