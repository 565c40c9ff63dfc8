package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.AccountBalance;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/**
 * Expiry under a clock the test controls: a due hold is released by the ledger itself, without any other
 * transaction (the sequencer's TICK), well within a second of its expiry, identically after a reopen, and a
 * post of it then gets HOLD_EXPIRED.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HoldExpiryTest
{
    private static final long T0 = 1_800_000_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aDueHoldExpiresWithoutTrafficAndStaysExpiredAfterReopen() throws Exception
    {
        final PaymentPipelineModelTest.ManualClock clock = new PaymentPipelineModelTest.ManualClock();
        final LedgerConfig config = LedgerConfig.builder(dir).clock(clock).build();
        final long hold;
        try (Ledger ledger = Ledger.open(config))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 100);
            hold = ledger.hold(1, 2, 60, 10);
            assertTrue(ledger.await(hold, Level.COMMITTED, Duration.ofSeconds(10)));
            assertEquals(Result.OK, ledger.status(hold).result());
            final long holdTime = ledger.status(hold).timestamp();
            assertTrue(holdTime >= T0);
            assertEquals(60, ledger.balance(1).orElseThrow().debitsPending());
            assertEquals(40, ledger.balance(1).orElseThrow().available());

            clock.now.set(holdTime + 10_000_000_000L - 1); // one nanosecond early: nothing happens
            Thread.sleep(50);
            assertEquals(hold, ledger.lastTxId(), "not due yet: no TICK");
            assertEquals(60, ledger.balance(1).orElseThrow().debitsPending());

            clock.now.set(holdTime + 10_000_000_000L);
            final long start = System.nanoTime();
            while (ledger.balance(1).orElseThrow().debitsPending() != 0 && System.nanoTime() - start < 5_000_000_000L)
            {
                Thread.sleep(1);
            }
            final long tookMillis = (System.nanoTime() - start) / 1_000_000;
            final AccountBalance from = ledger.balance(1).orElseThrow();
            assertEquals(0, from.debitsPending(), "released by the ledger itself");
            assertEquals(0, ledger.balance(2).orElseThrow().creditsPending());
            assertTrue(tookMillis < 1_000, "released " + tookMillis + " ms after it was due");
            assertEquals(hold + 1, ledger.lastTxId(), "by one TICK, which got its own id");
            final long post = ledger.post(hold, 0);
            assertTrue(ledger.await(post, Level.COMMITTED, Duration.ofSeconds(10)));
            assertEquals(Result.HOLD_EXPIRED, ledger.status(post).result());
        }
        try (Ledger reopened = Ledger.open(config))
        {
            assertEquals(0, reopened.balance(1).orElseThrow().debitsPending());
            final long voided = reopened.voidHold(hold);
            assertTrue(reopened.await(voided, Level.COMMITTED, Duration.ofSeconds(10)));
            assertEquals(Result.HOLD_EXPIRED, reopened.status(voided).result(), "expired on replay too");
            assertEquals(100, reopened.balance(1).orElseThrow().balance());
        }
    }
}
