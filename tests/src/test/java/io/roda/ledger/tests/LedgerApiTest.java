package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.AccountBalance;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerClosedException;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.TxState;

class LedgerApiTest
{
    @TempDir
    Path dir;

    @Test
    void levelsStatusesAndBalances() throws Exception
    {
        try (Ledger ledger = Ledger.open(dir))
        {
            final long[] ids = ledger.submitAll(List.of(Operation.open(1), Operation.open(2), Operation.deposit(1, 500),
                Operation.transfer(1, 2, 200), Operation.withdraw(2, 1_000)));
            assertEquals("[1, 2, 3, 4, 5]", Arrays.toString(ids));
            assertTrue(ledger.await(5, Level.COMMITTED, Duration.ofSeconds(10)));
            assertTrue(ledger.commitIndex() >= 5 && ledger.computeIndex() >= 5);
            assertEquals(Result.INSUFFICIENT_FUNDS, ledger.status(5).result());
            assertTrue(ledger.status(4).state().compareTo(TxState.COMMITTED) >= 0);
            assertEquals(new AccountBalance(2, 200, 4, 0, 0, 0), ledger.balance(2).orElseThrow());
            assertEquals(new AccountBalance(0, -500, 3, 0, 0, 0), ledger.balance(0).orElseThrow());
            assertTrue(ledger.balance(3).isEmpty());
            assertTrue(ledger.await(5, Level.SNAPSHOTTED, Duration.ofSeconds(10)), "waiting for a snapshot asks for one");
            assertEquals(TxState.SNAPSHOTTED, ledger.status(5).state());
            assertEquals(2, ledger.accountCount());
        }
    }

    @Test
    void misuseGetsPreciseExceptions() throws Exception
    {
        final Ledger ledger = Ledger.open(dir);
        ledger.openAccount(1);
        assertThrows(NullPointerException.class, () -> ledger.submit(null));
        assertThrows(NullPointerException.class, () -> ledger.submitAll(Arrays.asList(Operation.open(3), null)));
        assertEquals(1, ledger.lastTxId(), "a batch with a null submits nothing");
        assertThrows(NullPointerException.class, () -> ledger.await(1, null, Duration.ZERO));
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> ledger.await(1, Level.COMMITTED, Duration.ofMillis(-1)));
        assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ledger.status(99));
        assertTrue(unknown.getMessage().contains("99"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ledger.await(0, Level.COMPUTED, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Level.parse("durable"));
        assertEquals(Level.COMMITTED, Level.parse("committed"));
        assertThrows(NullPointerException.class, () -> new Operation(null, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LedgerConfig.builder(dir).maxAccounts(0));
        assertThrows(IllegalArgumentException.class, () -> LedgerConfig.builder(dir).laneSize(3));
        assertThrows(IllegalArgumentException.class, () -> LedgerConfig.builder(dir).idleStrategy("nap"));
        assertThrows(IllegalArgumentException.class, () -> LedgerConfig.builder(dir).closeTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> LedgerConfig.builder(dir).stageStopTimeout(Duration.ofHours(2)));
        assertThrows(NullPointerException.class, () -> LedgerConfig.builder(dir).stageStopTimeout(null));
        final LedgerException inUse = assertThrows(LedgerException.class, () -> Ledger.open(dir));
        assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
        ledger.close();
        ledger.close();
        assertThrows(LedgerClosedException.class, () -> ledger.openAccount(2));
        assertThrows(LedgerClosedException.class, () -> ledger.balance(1));
        try (Ledger reopened = Ledger.open(dir))
        {
            assertEquals(1, reopened.recoveryReport().lastTxId());
            assertNull(reopened.status(1).result(), "results before the recovered snapshot are not retained");
            assertEquals(TxState.SNAPSHOTTED, reopened.status(1).state());
            assertFalse(reopened.balance(1).isEmpty());
        }
    }

    @Test
    void capacityExceededIsAResultNotACrash() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(2).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            final long third = ledger.openAccount(3);
            final long again = ledger.openAccount(2);
            ledger.await(again, Level.COMMITTED, Duration.ofSeconds(10));
            assertEquals(Result.CAPACITY_EXCEEDED, ledger.status(third).result());
            assertEquals(Result.ACCOUNT_EXISTS, ledger.status(again).result());
        }
    }

    @Test
    void reopeningWithAnotherSegmentSizeKeepsTheWalValid() throws Exception
    {
        final LedgerConfig small = LedgerConfig.builder(dir).walSegmentSize(8 * 1024).maxBatch(64).build();
        try (Ledger ledger = Ledger.open(small))
        {
            ledger.openAccount(1);
            ledger.deposit(1, 5);
        }
        final LedgerConfig large = LedgerConfig.builder(dir).walSegmentSize(1 << 20).maxBatch(64).build();
        long last = 0;
        try (Ledger ledger = Ledger.open(large))
        {
            for (int i = 0; i < 2_000; i++) // 64 KiB of records: far past the first segment's 8 KiB
            {
                last = ledger.deposit(1, 1);
            }
        }
        try (Ledger reopened = Ledger.open(small))
        {
            assertEquals(last, reopened.recoveryReport().lastTxId());
            assertEquals(2_005, reopened.balance(1).orElseThrow().balance());
        }
    }
}
