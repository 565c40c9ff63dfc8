package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
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

/**
 * Attack on issue 11: the only check that DIR/feed belongs to the ledger in DIR is "the feed's last id is not
 * above the commit index". A feed from another ledger that is shorter (here: 4 entries of ledger A placed in
 * ledger B, which has committed 10) is adopted silently: the feed then holds A's transactions 1..4 (deposits of
 * 7, A's timestamps, A's balances) followed by B's 5..10, although every entry must equal B's WAL record and
 * B's state. Expected: the open (or the feed) refuses such a feed, naming it, as it does when the foreign feed
 * is longer, or rebuilds it; never a feed that mixes two ledgers. (The feed's last entry could be compared with
 * the WAL record of the same id, which the feed stage reads anyway while it rebuilds its state.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedFromAnotherLedgerAttackTest
{
    @TempDir
    Path dir;

    private static LedgerConfig config(final Path d)
    {
        return LedgerConfig.builder(d).maxAccounts(64).maxHolds(64).idempotencyWindow(64).feed(true).build();
    }

    private static void run(final Path d, final long amount, final int deposits) throws Exception
    {
        try (Ledger ledger = Ledger.open(config(d)))
        {
            ledger.openAccount(1);
            long last = 0;
            for (int i = 0; i < deposits; i++)
            {
                last = ledger.deposit(1, amount);
            }
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(10)));
        }
    }

    @Test
    void aShorterFeedOfAnotherLedgerIsNotAdopted() throws Exception
    {
        final Path a = dir.resolve("a");
        final Path b = dir.resolve("b");
        run(a, 7, 3);  // A: 1 open, 2..4 deposits of 7
        run(b, 9, 9);  // B: 1 open, 2..10 deposits of 9
        try (Stream<Path> files = Files.walk(b.resolve("feed")))
        {
            for (final Path f : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(f);
            }
        }
        try (Stream<Path> files = Files.walk(a.resolve("feed")))
        {
            for (final Path f : files.toList())
            {
                Files.copy(f, b.resolve("feed").resolve(a.resolve("feed").relativize(f).toString()));
            }
        }
        boolean refused = false;
        try (Ledger ledger = Ledger.open(config(b)))
        {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (ledger.feedIndex() < 10 && ledger.feedFailure() == null && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            refused = ledger.feedFailure() != null;
        }
        catch (final RuntimeException e)
        {
            refused = true; // refusing the open, naming the feed, is fine too
        }
        if (refused)
        {
            return;
        }
        final StringBuilder all = new StringBuilder();
        try (LedgerFeed feed = LedgerFeed.open(b); LedgerFeed.Tailer tailer = feed.tailer(1))
        {
            final FeedEntry e = new FeedEntry();
            while (tailer.next(e))
            {
                FeedLines.csv(e, all).append('\n');
            }
        }
        // every deposit of ledger B is 9, and account 1's balance after tx t is 9 * (t - 1)
        final String[] lines = all.toString().split("\n");
        assertEquals(10, lines.length, all.toString());
        for (int t = 2; t <= 10; t++)
        {
            assertTrue(lines[t - 1].contains(",DEPOSIT,0,1,9,") && lines[t - 1].contains(";1:" + 9 * (t - 1) + ":"),
                "entry " + t + " is ledger B's: " + lines[t - 1] + "\nfeed:\n" + all);
        }
    }
}
