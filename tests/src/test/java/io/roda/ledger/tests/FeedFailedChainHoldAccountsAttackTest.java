package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.feed.FeedEntry;
import io.roda.feed.FeedLines;
import io.roda.feed.LedgerFeed;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Attack on issue 11: in a chain that fails, the members after the failing one are never applied, so the feed
 * stage's beforeApply (which looks up a post's or void's hold) is not called for them, and FeedAgent.emit uses
 * holdFrom[k]/holdTo[k] left over from whatever chain last used member slot k. The feed entry of a void (or post)
 * in a failed chain then shows the accounts of a different hold (or 0 -> 0 when the slot was never used).
 * Expected: the hold's own accounts (1 -> 2; it is known at that point) or "none"; never another hold's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedFailedChainHoldAccountsAttackTest
{
    @TempDir
    Path dir;

    @Test
    void aVoidAfterTheFailingMemberOfAChainShowsItsOwnHoldsAccounts() throws Exception
    {
        final long h1;
        final long failedChain;
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(64).maxHolds(64)
            .idempotencyWindow(64).feed(true).build()))
        {
            for (long a = 1; a <= 4; a++)
            {
                ledger.openAccount(a);
            }
            ledger.deposit(1, 1_000);
            ledger.deposit(3, 1_000);
            h1 = ledger.hold(1, 2, 100, 0);
            final long h2 = ledger.hold(3, 4, 50, 0);
            // slot 1 of the feed's chain buffers now holds hold h2's accounts (3 -> 4)
            ledger.chainBuilder().transfer(1, 2, 1).voidHold(h2).submit();
            // fails at member 0: member 1 (void h1) is never applied
            failedChain = ledger.chainBuilder().transfer(1, 2, 999_999).voidHold(h1).submit();
            final long last = failedChain + 1;
            assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(10)));
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (ledger.feedIndex() < last && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertNull(ledger.feedFailure());
        }
        try (LedgerFeed feed = LedgerFeed.open(dir); LedgerFeed.Tailer tailer = feed.tailer(failedChain + 1))
        {
            final FeedEntry e = new FeedEntry();
            assertTrue(tailer.next(e));
            final String line = FeedLines.csv(e, new StringBuilder()).toString();
            assertEquals(OpType.VOID, e.operation(), line);
            assertEquals(Result.LINKED_EVENT_FAILED, e.result(), line);
            assertEquals(h1, e.hold(), line);
            // the hold h1 is 1 -> 2; the entry must not show hold h2's accounts 3 -> 4
            assertTrue(!e.hasFrom() || (e.from() == 1 && e.to() == 2), "void of hold " + h1 + " (1 -> 2): " + line);
        }
    }
}
