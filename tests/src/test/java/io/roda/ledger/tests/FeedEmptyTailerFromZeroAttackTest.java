package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.feed.FeedEntry;
import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.wal.WalReader;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Attack on issue 11: LedgerFeed.tailer(0) on a feed that is still empty means "from 1" (Math.max(first, 1)).
 * When the feed is turned on for a ledger whose WAL no longer starts at 1, the feed's first entry is the oldest
 * snapshot + 1, so a consumer (or {@code ledger feed --follow}) that opened the feed between the feed stage
 * creating the queue (FeedAgent's constructor) and its first append throws "the feed hands over transaction
 * 1001 where 1 was expected" instead of handing over the first entry, as documented ("tailer(0) starts at the
 * oldest entry the feed holds"). The empty queue is created here exactly as FeedAgent's constructor creates it,
 * to hit the window deterministically.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedEmptyTailerFromZeroAttackTest
{
    @TempDir
    Path dir;

    @Test
    void aTailerFromZeroOpenedWhileTheFeedIsEmptyHandsOverTheFirstEntry() throws Exception
    {
        final LedgerConfig.Builder config = LedgerConfig.builder(dir).maxAccounts(64).maxHolds(64)
            .idempotencyWindow(64).walSegmentSize(32 * 1024).maxBatch(64).retainSnapshots(2);
        for (int session = 0; session < 2; session++)
        {
            try (Ledger ledger = Ledger.open(config.build()))
            {
                if (session == 0)
                {
                    ledger.openAccount(1);
                }
                while (ledger.lastTxId() < 1_000 * (session + 1))
                {
                    ledger.deposit(1, 1);
                }
                assertTrue(ledger.await(1_000 * (session + 1), Level.COMMITTED, Duration.ofSeconds(10)));
            }
        }
        assertTrue(WalReader.firstTxIdOf(WalReader.listSegments(Recovery.walDirectory(dir)).get(0)) > 1);

        // the feed's queue as the feed stage's constructor leaves it, before its first append
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.single(dir.resolve("feed").toFile())
            .rollCycle(RollCycles.FAST_DAILY).build())
        {
            q.createAppender().close();
        }
        try (LedgerFeed feed = LedgerFeed.open(dir); LedgerFeed.Tailer tailer = feed.tailer(0))
        {
            assertEquals(0, feed.firstTxId(), "empty");
            try (Ledger ledger = Ledger.open(config.feed(true).build()))
            {
                ledger.deposit(1, 1);
                final long deadline = System.nanoTime() + 10_000_000_000L;
                while (ledger.feedIndex() < 2_001 && System.nanoTime() < deadline)
                {
                    Thread.sleep(1);
                }
                assertEquals(2_001, ledger.feedIndex());
            }
            final long first = feed.firstTxId();
            assertTrue(first > 1, "the feed starts after a snapshot: " + first);
            final FeedEntry e = new FeedEntry();
            assertTrue(tailer.next(e), "tailer(0) hands over the first entry the feed holds");
            assertEquals(first, e.txId());
        }
    }
}
