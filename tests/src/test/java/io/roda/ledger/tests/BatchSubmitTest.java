package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.ChainBuilder;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;

/**
 * Issue 10: a batch is claimed from the submission ring once, yet each of its operations applies on its own,
 * exactly as if submitted alone; submitAll splits long lists into batches of at most maxChain.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BatchSubmitTest
{
    @TempDir
    Path dir;

    @Test
    void aBatchGetsConsecutiveIdsAndEachOperationStandsAlone() throws Exception
    {
        try (Ledger ledger = Ledger.open(dir))
        {
            final ChainBuilder batch = ledger.batchBuilder();
            final long first = batch.open(1, 0).open(2, 0).deposit(1, 100)
                .transfer(1, 2, 500)          // fails: only 100 there
                .transfer(1, 2, 60)           // still applies: not linked to the failure
                .submit();
            assertEquals(0, batch.size(), "the builder is empty again");
            assertTrue(ledger.await(first + 4, Level.COMMITTED, Duration.ofSeconds(30)));
            assertEquals(Result.OK, ledger.status(first + 2).result());
            assertEquals(Result.INSUFFICIENT_FUNDS, ledger.status(first + 3).result());
            assertEquals(Result.OK, ledger.status(first + 4).result());
            assertEquals(40, ledger.balance(1).orElseThrow().balance());
            assertEquals(60, ledger.balance(2).orElseThrow().balance());
            assertThrows(IllegalArgumentException.class, batch::submit, "an empty batch is refused");
        }
    }

    @Test
    void submitAllOfMoreThanMaxChainOperationsSplitsIntoBatches() throws Exception
    {
        final LedgerConfig config = LedgerConfig.builder(dir).laneSize(64).build();
        try (Ledger ledger = Ledger.open(config))
        {
            assertEquals(64, config.maxChain());
            final List<Operation> ops = new ArrayList<>();
            ops.add(Operation.open(1));
            ops.add(Operation.open(2));
            ops.add(Operation.deposit(1, 1_000));
            for (int i = 0; i < 1_000; i++)
            {
                ops.add(Operation.transfer(1, 2, 1 + i % 3)); // 1,998 in all: the last ones run out of funds
            }
            final long[] ids = ledger.submitAll(ops);
            assertEquals(ops.size(), ids.length);
            for (int i = 1; i < ids.length; i++)
            {
                assertEquals(ids[0] + i, ids[i], "one thread submitting: consecutive ids");
            }
            assertTrue(ledger.await(ids[ids.length - 1], Level.COMMITTED, Duration.ofSeconds(30)));
            long moved = 0;
            int refused = 0;
            for (int i = 0; i < 1_000; i++)
            {
                final Result result = ledger.status(ids[3 + i]).result();
                if (result == Result.OK)
                {
                    moved += 1 + i % 3;
                }
                else
                {
                    assertEquals(Result.INSUFFICIENT_FUNDS, result);
                    refused++;
                }
            }
            assertTrue(refused > 0, "some transfers ran out of funds");
            assertEquals(1_000 - moved, ledger.balance(1).orElseThrow().balance());
            assertEquals(moved, ledger.balance(2).orElseThrow().balance());
        }
    }
}
