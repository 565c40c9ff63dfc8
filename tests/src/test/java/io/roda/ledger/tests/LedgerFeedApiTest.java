package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.LedgerClock;
import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.feed.FeedEntry;
import io.roda.feed.FeedLines;
import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.wal.WalReader;

/**
 * The embedded feed API: {@link Ledger#history} and {@link LedgerFeed#history} return the rows that
 * {@code ./ledger history} prints; a {@link LedgerFeed.Tailer} resumes at any id the feed holds and follows
 * a ledger that is still writing, without a gap, also from the id that has not been written yet; ids go
 * on across reopens (one of them without the feed, which the next open with the feed catches up); ids the
 * feed no longer holds, and bad arguments, are refused with messages that name the problem; the CLI
 * refuses bad options with exit code 2, a message naming the problem and nothing on stdout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LedgerFeedApiTest
{
    @TempDir
    Path dir;

    /** Small limits: a ledger that opens fast (the state and the account heads are sized by them). */
    private static LedgerConfig.Builder small(final Path directory)
    {
        return LedgerConfig.builder(directory).maxAccounts(64).maxHolds(64).idempotencyWindow(64);
    }

    private static void committed(final Ledger ledger, final long id) throws InterruptedException
    {
        assertTrue(ledger.await(id, Level.COMMITTED, Duration.ofSeconds(10)), "tx " + id + " committed");
    }

    /** Waits until the feed holds everything committed up to {@code id}. */
    private static void fed(final Ledger ledger, final long id) throws InterruptedException
    {
        committed(ledger, id);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (ledger.feedIndex() < id && ledger.feedFailure() == null && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(id, ledger.feedIndex(), "the feed caught up; failure: " + ledger.feedFailure());
        assertNull(ledger.feedFailure());
    }

    /** Reads what the tailer hands over within a second, until {@code last}. */
    private static List<Long> drain(final LedgerFeed.Tailer tailer, final long last)
    {
        final List<Long> ids = new ArrayList<>();
        final FeedEntry entry = new FeedEntry();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while ((ids.isEmpty() || ids.get(ids.size() - 1) < last) && System.nanoTime() < deadline)
        {
            if (tailer.next(entry))
            {
                ids.add(entry.txId());
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        return ids;
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> ids = new ArrayList<>();
        for (long id = from; id <= to; id++)
        {
            ids.add(id);
        }
        return ids;
    }

    private static String csv(final List<LedgerFeed.HistoryEntry> rows)
    {
        final StringBuilder out = new StringBuilder();
        for (final LedgerFeed.HistoryEntry row : rows)
        {
            FeedLines.csv(row, out).append('\n');
        }
        return out.toString();
    }

    @Test
    void historyThroughTheLedgerTheFeedAndTheCliIsTheSame() throws Exception
    {
        final List<LedgerFeed.HistoryEntry> expected;
        try (Ledger ledger = Ledger.open(small(dir).feed(true).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 100);
            ledger.transfer(1, 2, 30);
            ledger.withdraw(1, 500); // INSUFFICIENT_FUNDS: not in the history
            final long hold = ledger.hold(1, 2, 20, 0);
            ledger.post(hold, 5);
            fed(ledger, 7);
            assertEquals(Result.INSUFFICIENT_FUNDS, ledger.status(5).result());
            expected = List.of(
                new LedgerFeed.HistoryEntry(7, ledger.status(7).timestamp(), "POST", 2, -5, 65),
                new LedgerFeed.HistoryEntry(6, ledger.status(6).timestamp(), "HOLD", 2, -20, 70),
                new LedgerFeed.HistoryEntry(4, ledger.status(4).timestamp(), "TRANSFER", 2, -30, 70),
                new LedgerFeed.HistoryEntry(3, ledger.status(3).timestamp(), "DEPOSIT", 0, 100, 100),
                new LedgerFeed.HistoryEntry(1, ledger.status(1).timestamp(), "OPEN", FeedEntry.NONE, 0, 0));
            assertEquals(expected, ledger.history(1, 100, 0));
            assertEquals(expected.subList(1, 3), ledger.history(1, 2, 7));
            assertEquals(expected, ledger.history(1, 100, Long.MAX_VALUE), "MAX_VALUE: no bound, as 0");
            assertEquals(List.of(), ledger.history(3, 10, 0), "an account the feed never saw");

            // a reader in the same process while the ledger writes
            try (LedgerFeed feed = LedgerFeed.open(dir))
            {
                assertEquals(expected, feed.history(1, 100, 0));
                assertEquals(1, feed.firstTxId());
                assertEquals(7, feed.lastTxId());
            }
        }
        final Cli.Run cli = InProcessCli.run((String)null, "history", "--data", dir.toString(), "--account", "1");
        assertEquals(0, cli.exit(), cli.err());
        assertEquals(csv(expected), cli.out());
        final Cli.Run limited = InProcessCli.run((String)null, "history", "--data", dir.toString(), "--account", "1",
            "--limit", "2", "--before", "7");
        assertEquals(csv(expected.subList(1, 3)), limited.out());
        try (LedgerFeed feed = LedgerFeed.open(dir))
        {
            assertEquals(expected, feed.history(1, 100, 0), "after the close, from any process");
        }
    }

    @Test
    void historyWithTheFeedOffIsRefused() throws Exception
    {
        try (Ledger ledger = Ledger.open(small(dir).build()))
        {
            ledger.openAccount(1);
            committed(ledger, 1);
            final IllegalStateException off = assertThrows(IllegalStateException.class, () -> ledger.history(1, 10, 0));
            assertTrue(off.getMessage().contains("feed is off"), off.getMessage());
            assertThrows(IllegalStateException.class, ledger::feedIndex);
        }
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> LedgerFeed.open(dir));
        assertTrue(none.getMessage().contains("holds no feed"), none.getMessage());
    }

    /**
     * A ledger reopened with its settings left unset adopts the ones stored in DIR/LEDGER; the feed settings
     * of the configuration must survive that (they are not stored).
     */
    @Test
    void theFeedSettingsSurviveAdoptingTheStoredLimits() throws Exception
    {
        final Path api = dir.resolve("api");
        try (Ledger ledger = Ledger.open(small(api).build()))
        {
            ledger.openAccount(1);
            committed(ledger, 1);
        }
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(api).feed(true).feedRollCycle("FAST_HOURLY")
            .feedRetention(Duration.ofDays(7)).build()))
        {
            assertEquals(64, ledger.config().maxAccounts(), "the stored limit");
            assertTrue(ledger.config().feed(), "the feed is on as configured");
            assertEquals("FAST_HOURLY", ledger.config().feedRollCycle());
            assertEquals(Duration.ofDays(7), ledger.config().feedRetention());
            ledger.deposit(1, 5);
            fed(ledger, 2);
        }
        try (LedgerFeed feed = LedgerFeed.open(api))
        {
            assertEquals(2, feed.lastTxId());
        }

        // the same through the CLI: apply --feed on a directory created with --max-accounts
        final Path other = dir.resolve("cli");
        final Cli.Run created = InProcessCli.run("open,1\n", "apply", "--data", other.toString(), "--input", "-",
            "--max-accounts", "64");
        assertEquals(0, created.exit(), created.err());
        final Cli.Run fedRun = InProcessCli.run("deposit,1,5\n", "apply", "--data", other.toString(), "--input", "-",
            "--feed");
        assertEquals(0, fedRun.exit(), fedRun.err());
        assertEquals("2,OK\n", fedRun.out());
        final Cli.Run printed = InProcessCli.run((String)null, "history", "--data", other.toString(), "--account", "1");
        assertEquals(0, printed.exit(), "apply --feed turned the feed on: " + printed.err());
        assertTrue(printed.out().startsWith("2,") && printed.out().contains(",DEPOSIT,0,5,5\n"), printed.out());
    }

    @Test
    void badHistoryArgumentsAreNamed() throws Exception
    {
        try (Ledger ledger = Ledger.open(small(dir).feed(true).build()))
        {
            ledger.openAccount(1);
            fed(ledger, 1);
            try (LedgerFeed feed = LedgerFeed.open(dir))
            {
                for (final HistoryQuery query : List.<HistoryQuery>of(ledger::history, feed::history))
                {
                    assertNamed("limit", () -> query.rows(1, 0, 0));
                    assertNamed("limit", () -> query.rows(1, -3, 0));
                    assertNamed("account", () -> query.rows(-1, 10, 0));
                    assertNamed("before", () -> query.rows(1, 10, -1));
                }
                assertNamed("-1", () -> feed.tailer(-1));
            }
        }
    }

    /** Either history method. */
    private interface HistoryQuery
    {
        List<LedgerFeed.HistoryEntry> rows(long account, int limit, long before);
    }

    private static void assertNamed(final String name, final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name), "names " + name + ": " + e.getMessage());
    }

    @Test
    void aTailerResumesAtAnIdAndFollowsTheLedgerAsItWrites() throws Exception
    {
        try (Ledger ledger = Ledger.open(small(dir).feed(true).build()))
        {
            try (LedgerFeed feed = LedgerFeed.open(dir);
                LedgerFeed.Tailer fromStart = feed.tailer(0);
                LedgerFeed.Tailer ahead = feed.tailer(3))
            {
                assertEquals(0, feed.firstTxId(), "empty");
                assertEquals(0, feed.lastTxId());
                assertFalse(fromStart.next(new FeedEntry()));
                ledger.openAccount(1);
                ledger.deposit(1, 10);
                for (int i = 0; i < 3; i++)
                {
                    ledger.withdraw(1, 1);
                }
                fed(ledger, 5);
                assertEquals(range(1, 5), drain(fromStart, 5), "0: from the first, including what came after it");
                assertEquals(range(3, 5), drain(ahead, 5), "an id not written yet: from that id on");
                try (LedgerFeed.Tailer resumed = feed.tailer(4))
                {
                    assertEquals(4, resumed.nextTxId());
                    assertEquals(range(4, 5), drain(resumed, 5));
                    final FeedEntry entry = new FeedEntry();
                    assertFalse(resumed.next(entry), "nothing more yet");
                    ledger.deposit(1, 7);
                    ledger.transfer(1, 1, 1); // SAME_ACCOUNT: rejected transactions are in the feed too
                    fed(ledger, 7);
                    assertEquals(range(6, 7), drain(resumed, 7), "follows the ledger");
                    assertEquals(range(6, 7), drain(fromStart, 7));
                    try (LedgerFeed.Tailer last = feed.tailer(7))
                    {
                        assertTrue(last.next(entry));
                        assertEquals(7, entry.txId());
                        assertEquals(OpType.TRANSFER, entry.operation());
                        assertEquals(Result.SAME_ACCOUNT, entry.result());
                        assertEquals(0, entry.touchedCount());
                    }
                }
            }
        }
    }

    /**
     * The javadoc's idiom, {@code feed.tailer(lastSeen + 1)} where lastSeen is the last entry written, while
     * the ledger keeps writing: the tailer must hand over exactly lastSeen + 1 next, however the append races
     * with its creation.
     */
    @Test
    void aTailerFromTheNextIdWhileTheLedgerWritesStartsAtThatId() throws Exception
    {
        try (Ledger ledger = Ledger.open(small(dir).feed(true).build()))
        {
            ledger.openAccount(1);
            ledger.deposit(1, Long.MAX_VALUE / 2);
            fed(ledger, 2);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    while (!stop.get())
                    {
                        ledger.withdraw(1, 1);
                        Thread.sleep(0, 200_000);
                    }
                }
                catch (final InterruptedException | RuntimeException e)
                {
                    writerFailure.set(e);
                }
            }, "feed-api-test-writer");
            writer.start();
            final List<String> problems = new ArrayList<>();
            int tries = 0;
            try (LedgerFeed feed = LedgerFeed.open(dir))
            {
                final FeedEntry entry = new FeedEntry();
                final long end = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < end)
                {
                    final long from = feed.lastTxId() + 1;
                    tries++;
                    try (LedgerFeed.Tailer tailer = feed.tailer(from))
                    {
                        final long deadline = System.nanoTime() + 2_000_000_000L;
                        while (!tailer.next(entry) && System.nanoTime() < deadline)
                        {
                            Thread.onSpinWait();
                        }
                        if (entry.txId() != from)
                        {
                            problems.add("tailer(" + from + ") handed over " + entry.txId() + " first");
                        }
                    }
                    catch (final IllegalStateException e)
                    {
                        problems.add("tailer(" + from + "): " + e.getMessage());
                    }
                }
            }
            finally
            {
                stop.set(true);
                writer.join(10_000);
                if (writer.isAlive())
                {
                    writer.interrupt();
                    writer.join();
                }
            }
            assertNull(writerFailure.get());
            assertEquals(List.of(), problems, problems.size() + " of " + tries + " tailers");
        }
    }

    @Test
    void idsGoOnAcrossReopensAlsoAfterASessionWithoutTheFeed() throws Exception
    {
        final LedgerConfig withFeed = small(dir).feed(true).build();
        final long[] stamps = new long[6]; // status keeps the results of this process's transactions only
        try (Ledger ledger = Ledger.open(withFeed))
        {
            ledger.openAccount(1);
            ledger.deposit(1, 100);
            fed(ledger, 2);
            stamps[1] = ledger.status(1).timestamp();
            stamps[2] = ledger.status(2).timestamp();
        }
        try (Ledger ledger = Ledger.open(small(dir).build()))
        {
            ledger.withdraw(1, 10);
            ledger.openAccount(2);
            committed(ledger, 4);
            stamps[3] = ledger.status(3).timestamp();
        }
        try (Ledger ledger = Ledger.open(withFeed))
        {
            fed(ledger, 4); // the open catches the feed up from the WAL
            ledger.transfer(1, 2, 25);
            fed(ledger, 5);
            assertEquals(List.of(
                new LedgerFeed.HistoryEntry(5, ledger.status(5).timestamp(), "TRANSFER", 2, -25, 65),
                new LedgerFeed.HistoryEntry(3, stamps[3], "WITHDRAW", 0, -10, 90),
                new LedgerFeed.HistoryEntry(2, stamps[2], "DEPOSIT", 0, 100, 100),
                new LedgerFeed.HistoryEntry(1, stamps[1], "OPEN", FeedEntry.NONE, 0, 0)),
                ledger.history(1, 10, 0));
        }
        try (Ledger ledger = Ledger.open(withFeed))
        {
            ledger.deposit(2, 1);
            fed(ledger, 6);
        }
        try (LedgerFeed feed = LedgerFeed.open(dir); LedgerFeed.Tailer tailer = feed.tailer(0))
        {
            assertEquals(1, feed.firstTxId());
            assertEquals(6, feed.lastTxId());
            final FeedEntry entry = new FeedEntry();
            final List<String> seen = new ArrayList<>();
            while (tailer.next(entry))
            {
                final StringBuilder balances = new StringBuilder();
                for (int i = 0; i < entry.touchedCount(); i++)
                {
                    balances.append(' ').append(entry.touchedAccount(i)).append('=').append(entry.balanceAfter(i))
                        .append("<-").append(entry.previousTx(i));
                }
                seen.add(entry.txId() + " " + entry.operation() + " " + entry.result() + balances);
            }
            assertEquals(List.of(
                "1 OPEN OK 1=0<-0",
                "2 DEPOSIT OK 0=-100<-0 1=100<-1",
                "3 WITHDRAW OK 1=90<-2 0=-90<-2",
                "4 OPEN OK 2=0<-0",
                "5 TRANSFER OK 1=65<-3 2=25<-4",
                "6 DEPOSIT OK 0=-91<-3 2=26<-5"), seen, "every id once, in order, with post-balances and links");
        }
    }

    @Test
    void idsTheFeedDoesNotHoldAreRefused() throws Exception
    {
        // a ledger whose WAL no longer holds transaction 1 (each close writes a snapshot; with two, retention
        // deletes the WAL segments the older one covers): a feed turned on later starts at its oldest snapshot
        final LedgerConfig.Builder config = small(dir).walSegmentSize(32 * 1024).maxBatch(64)
            .retainSnapshots(2);
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
                committed(ledger, 1_000 * (session + 1));
            }
        }
        assertTrue(WalReader.firstTxIdOf(WalReader.listSegments(Recovery.walDirectory(dir)).get(0)) > 1,
            "retention deleted the oldest WAL segment");
        try (Ledger ledger = Ledger.open(config.feed(true).build()))
        {
            ledger.deposit(1, 1);
            fed(ledger, 2_001);
        }
        try (LedgerFeed feed = LedgerFeed.open(dir))
        {
            final long first = feed.firstTxId();
            assertTrue(first > 1 && first <= 2_001, "starts after a snapshot: " + first);
            assertEquals(2_001, feed.lastTxId());
            final IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> feed.tailer(1));
            assertTrue(gone.getMessage().contains("from " + first + " on, not 1"), gone.getMessage());
            assertThrows(IllegalArgumentException.class, () -> feed.tailer(first - 1));
            try (LedgerFeed.Tailer tailer = feed.tailer(0))
            {
                assertEquals(first, tailer.nextTxId(), "0: the first the feed holds");
                assertEquals(range(first, 2_001), drain(tailer, 2_001));
            }
            final List<LedgerFeed.HistoryEntry> history = feed.history(1, 5_000, 0);
            assertEquals(2_001 - first + 1, history.size(), "history covers what the feed holds");
            assertEquals(first, history.get(history.size() - 1).txId());
        }
        final Cli.Run refused = InProcessCli.run((String)null, "feed", "--data", dir.toString(), "--from", "1");
        assertEquals(2, refused.exit(), refused.err());
        assertEquals("", refused.out());
        assertTrue(refused.err().contains("not 1"), refused.err());
    }

    /**
     * A hold expires right before a transaction that is rejected: the feed entry lists the expiry and the
     * accounts it changed, and the history of the hold's from account shows the expiry, never the rejected
     * operation as if it had moved money. The sequencer is kept from sending its own TICK by a clock that
     * stands still for its thread, so that the expiry runs before the rejected transaction.
     */
    @Test
    void anExpiryBeforeARejectedTransactionIsAnExpiryInTheHistory() throws Exception
    {
        final long t = 1_893_456_000_000_000_000L;
        final AtomicLong now = new AtomicLong(t);
        final LedgerClock clock = () -> "roda-sequencer".equals(Thread.currentThread().getName()) ? t : now.get();
        try (Ledger ledger = Ledger.open(small(dir).feed(true).clock(clock).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 100);
            final long hold = ledger.hold(1, 2, 60, 10);
            committed(ledger, hold);
            now.set(ledger.status(hold).timestamp() + 20_000_000_000L);
            final long rejected = ledger.withdraw(1, 1_000);
            assertEquals(hold + 1, rejected, "no TICK came between");
            fed(ledger, rejected);
            assertEquals(Result.INSUFFICIENT_FUNDS, ledger.status(rejected).result());
            assertEquals(0, ledger.balance(1).orElseThrow().debitsPending(), "expired before it");

            try (LedgerFeed feed = LedgerFeed.open(dir); LedgerFeed.Tailer tailer = feed.tailer(rejected))
            {
                final FeedEntry entry = new FeedEntry();
                assertTrue(tailer.next(entry));
                final StringBuilder line = new StringBuilder();
                assertEquals(rejected + "," + java.time.Instant.ofEpochSecond(0, entry.timestamp())
                    + ",WITHDRAW,1,0,1000,,,0,,,1:100:0:0;2:0:0:0," + hold + ":1:2:60,INSUFFICIENT_FUNDS",
                    FeedLines.csv(entry, line).toString());
            }
            final LedgerFeed.HistoryEntry from = ledger.history(1, 1, 0).get(0);
            final LedgerFeed.HistoryEntry to = ledger.history(2, 1, 0).get(0);
            assertEquals(rejected, from.txId());
            assertEquals(rejected, to.txId());
            assertEquals("EXPIRE", to.operation());
            assertEquals(1, to.counterparty());
            assertEquals(60, Math.abs(to.amount()));
            assertEquals("EXPIRE", from.operation(), "the withdraw was rejected: " + from);
            assertEquals(2, from.counterparty(), from.toString());
            assertEquals(60, Math.abs(from.amount()), from.toString());
            assertEquals(100, from.balanceAfter());
        }
    }

    @Test
    void aFeedThatCannotOpenFailsTheOpenAndLeavesTheDirectoryUsable() throws Exception
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("feed"), "not a directory");
        final LedgerException failed = assertThrows(LedgerException.class,
            () -> Ledger.open(small(dir).feed(true).build()).close());
        assertTrue(failed.getMessage().contains("feed"), failed.getMessage());
        try (Ledger ledger = Ledger.open(small(dir).build()))
        {
            ledger.openAccount(1);
            committed(ledger, 1);
        }
        Files.delete(dir.resolve("feed"));
        try (Ledger ledger = Ledger.open(small(dir).feed(true).build()))
        {
            fed(ledger, 1);
        }
    }

    @Test
    void theCliRefusesBadOptionsWithExitCode2AndNothingOnStdout() throws Exception
    {
        final Path data = dir.resolve("ledger");
        final Path noFeed = dir.resolve("no-feed");
        final Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        try (Ledger ledger = Ledger.open(small(data).feed(true).build()))
        {
            ledger.openAccount(1);
            fed(ledger, 1);
        }
        try (Ledger ledger = Ledger.open(small(noFeed).build()))
        {
            ledger.openAccount(1);
            committed(ledger, 1);
        }
        final String d = data.toString();
        assertRefused("--format must be csv or json, was xml", "feed", "--data", d, "--format", "xml");
        assertRefused("--format must be csv or json, was xml", "history", "--data", d, "--account", "1",
            "--format", "xml");
        assertRefused("--from must be a transaction id (1 or more), was -1", "feed", "--data", d, "--from", "-1");
        assertRefused("--limit must be at least 1, was 0", "history", "--data", d, "--account", "1", "--limit", "0");
        assertRefused("--account must be 0 (the system account) or more, was -1", "history", "--data", d,
            "--account", "-1");
        assertRefused("--before must be a transaction id (1 or more), was 0", "history", "--data", d, "--account", "1",
            "--before", "0");
        assertRefused("--before must be a transaction id (1 or more), was -5", "history", "--data", d, "--account", "1",
            "--before", "-5");
        assertRefused("--account", "history", "--data", d);
        assertRefused("--limit", "history", "--data", d, "--account", "1", "--limit", "many");
        final String missing = dir.resolve("missing").toString();
        assertRefused("ledger directory " + missing + " does not exist", "feed", "--data", missing);
        assertRefused("ledger directory " + missing + " does not exist", "history", "--data", missing, "--account", "1");
        assertRefused("ledger directory " + file + " is not a directory", "feed", "--data", file.toString());
        assertRefused("holds no feed", "feed", "--data", noFeed.toString());
        assertRefused("holds no feed", "history", "--data", noFeed.toString(), "--account", "1");

        // the real launcher: the same in a child JVM
        final Cli.Run child = Cli.run(null, "history", "--data", d, "--account", "1", "--limit", "0");
        assertEquals(2, child.exit(), child.err());
        assertEquals("", child.out());
        assertTrue(child.err().contains("--limit must be at least 1, was 0"), child.err());
    }

    private static void assertRefused(final String message, final String... args)
    {
        final Cli.Run run = InProcessCli.run((String)null, args);
        final String what = String.join(" ", args);
        assertEquals(2, run.exit(), what + ": " + run.err());
        assertEquals("", run.out(), what + " prints nothing on stdout");
        assertTrue(run.err().contains(message), what + " names the problem: " + run.err());
    }
}
