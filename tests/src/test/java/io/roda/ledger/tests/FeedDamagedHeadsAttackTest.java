package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Attack on issue 11: DIR/feed/heads is derived data that "the feed stage rebuilds from the queue when it is
 * missing or does not verify", but only its header is verified. A heads file whose table is damaged (header
 * intact; here the table is overwritten with random bytes, as a torn or corrupted page would leave it) is
 * kept by the next open, and history then fails for good ("heads is damaged") or returns wrong rows, though
 * the queue holds everything needed to rebuild it. Expected: history gives the right rows after the next open.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedDamagedHeadsAttackTest
{
    @TempDir
    Path dir;

    private LedgerConfig config()
    {
        return LedgerConfig.builder(dir).maxAccounts(64).maxHolds(64).idempotencyWindow(64).feed(true).build();
    }

    private static void fed(final Ledger ledger, final long id) throws InterruptedException
    {
        assertTrue(ledger.await(id, Level.COMMITTED, Duration.ofSeconds(10)));
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (ledger.feedIndex() < id && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(id, ledger.feedIndex());
    }

    @Test
    void aHeadsFileWithADamagedTableIsRebuilt() throws Exception
    {
        final List<LedgerFeed.HistoryEntry> expected;
        try (Ledger ledger = Ledger.open(config()))
        {
            for (long a = 1; a <= 8; a++)
            {
                ledger.openAccount(a);
                ledger.deposit(a, 100);
            }
            long last = 0;
            for (int i = 0; i < 50; i++)
            {
                last = ledger.transfer(1 + i % 8, 1 + (i + 3) % 8, 1);
            }
            fed(ledger, last);
            expected = ledger.history(1, 1000, 0);
        }
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("feed").resolve("heads").toFile(), "rw"))
        {
            final byte[] table = new byte[(int)raf.length() - 64];
            new Random(11).nextBytes(table);
            raf.seek(64);
            raf.write(table);
        }
        try (Ledger ledger = Ledger.open(config()))
        {
            final long more = ledger.deposit(2, 1);
            fed(ledger, more);
            assertEquals(expected, ledger.history(1, 1000, 0), "history of account 1 after the heads were damaged");
        }
    }
}
