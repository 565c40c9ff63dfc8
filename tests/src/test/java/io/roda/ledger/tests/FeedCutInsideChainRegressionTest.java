package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.feed.FeedEntry;
import io.roda.feed.FeedLines;
import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Issue 11, found by KillNineCrashTest: the feed stage appends a chain's members one document at a time, so a
 * SIGKILL between two of them leaves the feed's last entry inside a chain. The next open then stopped the feed
 * for good ("the feed ends inside the chain that starts at 20097"): it rebuilt its state up to the last entry
 * and refused to go on from the middle of a chain. Now it replays the chain from its start and appends only the
 * members the feed lacks, exactly as an uninterrupted run would have written them.
 *
 * <p>The cut is made as the kill leaves it: the feed's first documents copied, byte for byte, into a new queue
 * (the heads file, derived data, is left behind and rebuilt).
 */
@Timeout(120)
class FeedCutInsideChainRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void aFeedCutInsideAChainIsCompletedOnTheNextOpen() throws Exception
    {
        final LedgerConfig config = LedgerConfig.builder(dir).feed(true).build();
        final long chainStart;
        final long last;
        try (Ledger ledger = Ledger.open(config))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 1_000);
            chainStart = ledger.chainBuilder().transfer(1, 2, 10).hold(2, 1, 5, 0).transfer(2, 1, 3).submit();
            last = ledger.transfer(1, 2, 7);
            awaitFeed(ledger, last);
        }
        final List<String> uninterrupted = feedJson();
        assertEquals(last, uninterrupted.size());
        assertTrue(uninterrupted.get((int)chainStart).contains("\"linked\":true"), uninterrupted.get((int)chainStart));

        cutAfter(chainStart + 1); // the chain's first two members are in the feed, its third is not

        try (Ledger ledger = Ledger.open(config))
        {
            awaitFeed(ledger, last);
        }
        assertEquals(uninterrupted, feedJson(), "the feed after completing the cut chain");
    }

    private static void awaitFeed(final Ledger ledger, final long last) throws InterruptedException
    {
        ledger.await(last, Level.COMMITTED, Duration.ofSeconds(30));
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ledger.feedIndex() < last && ledger.feedFailure() == null && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(null, ledger.feedFailure(), "the feed stopped");
        assertEquals(last, ledger.feedIndex(), "the feed caught up");
    }

    private List<String> feedJson()
    {
        final List<String> lines = new ArrayList<>();
        try (LedgerFeed feed = LedgerFeed.open(dir); LedgerFeed.Tailer tailer = feed.tailer(1))
        {
            final FeedEntry entry = new FeedEntry();
            while (tailer.next(entry))
            {
                lines.add(FeedLines.json(entry, new StringBuilder()).toString());
            }
        }
        return lines;
    }

    /** Leaves the feed as a kill right after the append of {@code lastKept} leaves it. */
    private void cutAfter(final long lastKept) throws IOException
    {
        final Path feed = dir.resolve("feed");
        final Path cut = dir.resolve("feed-cut");
        try (SingleChronicleQueue from = SingleChronicleQueueBuilder.single(feed.toFile()).readOnly(true).build();
             SingleChronicleQueue to = SingleChronicleQueueBuilder.single(cut.toFile()).rollCycle(RollCycles.FAST_DAILY)
                 .build();
             ExcerptTailer tailer = from.createTailer();
             ExcerptAppender appender = to.createAppender())
        {
            for (long i = 1; i <= lastKept; i++)
            {
                try (DocumentContext in = tailer.readingDocument())
                {
                    assertTrue(in.isPresent(), "feed entry " + i);
                    try (DocumentContext out = appender.writingDocument())
                    {
                        out.wire().bytes().write(in.wire().bytes());
                    }
                }
            }
        }
        try (Stream<Path> files = Files.walk(feed))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        Files.move(cut, feed);
        try (LedgerFeed reopened = LedgerFeed.open(dir))
        {
            assertEquals(lastKept, reopened.lastTxId(), "the cut feed's last entry");
        }
    }
}
