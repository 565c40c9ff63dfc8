package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.feed.FeedEntry;
import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Issue 11: {@code LedgerFeed.tailer(lastSeen + 1)}, the documented way to resume, raced with the writer. When
 * the wanted id was not in the feed yet, the tailer read the last id and then moved to the end of the queue;
 * what the writer appended in between was skipped, and the first {@code next} threw "the feed hands over
 * transaction 80535 where 80515 was expected" (5 of 83 tries against a busy writer). The same hit
 * {@code ledger feed --follow} started on a feed still empty. The tailer now starts at the last entry (or the
 * start of an empty feed) and skips forward to the wanted id.
 */
@Timeout(120)
class FeedTailerResumeRaceRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void aTailerFromTheNextIdHandsOverThatIdWhileTheWriterAppends() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).feed(true).maxAccounts(16).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.await(ledger.deposit(1, 1_000_000_000L), Level.COMMITTED, Duration.ofSeconds(30));
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread writer = new Thread(() ->
            {
                while (!stop.get())
                {
                    ledger.transfer(1, 2, 1);
                    ledger.transfer(2, 1, 1);
                }
            });
            int tries = 0;
            try (LedgerFeed feed = LedgerFeed.open(dir))
            {
                writer.start();
                final FeedEntry entry = new FeedEntry();
                final long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                for (; tries < 1_000 && System.nanoTime() < end; tries++)
                {
                    final long next = feed.lastTxId() + 1;
                    try (LedgerFeed.Tailer tailer = feed.tailer(next))
                    {
                        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                        boolean read;
                        while (!(read = tailer.next(entry)) && System.nanoTime() < deadline)
                        {
                            Thread.onSpinWait();
                        }
                        assertTrue(read, "the writer appended nothing after " + (next - 1) + " in 30 s");
                        assertEquals(next, entry.txId(), "the first entry of a tailer from " + next);
                    }
                }
            }
            finally
            {
                stop.set(true);
                writer.join();
            }
            assertTrue(tries > 10, "tries: " + tries);
        }
    }

    @Test
    void aTailerOfAnEmptyFeedHandsOverEverythingAppendedLater() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).feed(true).maxAccounts(16).build());
             LedgerFeed feed = LedgerFeed.open(dir);
             LedgerFeed.Tailer fromStart = feed.tailer(0);
             LedgerFeed.Tailer fromTwo = feed.tailer(2))
        {
            assertEquals(0, feed.lastTxId(), "an empty feed");
            ledger.openAccount(1);
            ledger.await(ledger.deposit(1, 5), Level.COMMITTED, Duration.ofSeconds(30));
            final FeedEntry entry = new FeedEntry();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!fromStart.next(entry))
            {
                assertTrue(System.nanoTime() < deadline, "nothing handed over in 30 s");
                Thread.sleep(1);
            }
            assertEquals(1, entry.txId());
            while (!fromTwo.next(entry))
            {
                assertTrue(System.nanoTime() < deadline, "nothing handed over in 30 s");
                Thread.sleep(1);
            }
            assertEquals(2, entry.txId());
        }
    }
}
