package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.LedgerClock;
import io.roda.ledger.ChainBuilder;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;

/** The defects the outside attack on issue 9 found, each as it was reported. */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Issue9AttackRegressionTest
{
    @TempDir
    Path dir;

    /** Runs {@code reader} in a loop on another thread while {@code chains} failing chains are applied. */
    private static long duringFailingChains(final Ledger ledger, final int chains, final ChainFiller filler,
        final Runnable reader) throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread = new Thread(() ->
        {
            while (!stop.get())
            {
                reader.run();
            }
        });
        thread.start();
        try
        {
            final ChainBuilder chain = ledger.chainBuilder();
            for (int round = 1; round <= chains; round++)
            {
                filler.fill(chain, round);
                final int members = chain.size();
                final long first = chain.submit();
                assertTrue(ledger.await(first + members - 1, Level.COMPUTED, Duration.ofSeconds(30)));
            }
        }
        finally
        {
            stop.set(true);
            thread.join();
        }
        return chains;
    }

    interface ChainFiller
    {
        void fill(ChainBuilder chain, int round);
    }

    /** Defect 1: transactionForKey answered from inside a chain that then failed. */
    @Test
    void aKeyConsumedInsideAFailingChainIsNeverVisible() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            final AtomicLong current = new AtomicLong();
            final AtomicLong leaks = new AtomicLong();
            duringFailingChains(ledger, 60, (chain, round) ->
            {
                current.set(round);
                chain.deposit(1, 1).key(7, round);
                for (int i = 0; i < 1000; i++)
                {
                    chain.deposit(1, 1);
                }
                chain.transfer(2, 1, 5); // INSUFFICIENT_FUNDS: the whole chain fails
            }, () ->
            {
                if (current.get() > 0 && ledger.transactionForKey(7, current.get()).isPresent())
                {
                    leaks.incrementAndGet();
                }
            });
            assertEquals(0, leaks.get(), "a key consumed by a member of a failing chain was visible");
            assertEquals(0, ledger.balance(1).orElseThrow().balance());
        }
    }

    /** Defect 2a: forEachAccount read accounts from inside a chain. */
    @Test
    void forEachAccountNeverReadsFromInsideAChain() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 1_000_000);
            assertTrue(ledger.await(3, Level.COMPUTED, Duration.ofSeconds(10)));
            final AtomicLong bad = new AtomicLong();
            duringFailingChains(ledger, 60, (chain, round) ->
            {
                for (int i = 0; i < 1000; i++)
                {
                    chain.transfer(1, 2, 5);
                }
                chain.transfer(2, 1, 10_000); // 2 holds 5,000: INSUFFICIENT_FUNDS, the chain fails
            }, () -> ledger.forEachAccount((account, balance, dp, cp, od, lastTx) ->
            {
                if (account == 1 && balance != 1_000_000)
                {
                    bad.incrementAndGet();
                }
            }));
            assertEquals(0, bad.get(), "forEachAccount showed a balance of a chain that failed");
        }
    }

    /** Defect 2b: accountCount counted the opens of a chain in progress. */
    @Test
    void accountCountNeverCountsAChainInProgress() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            assertTrue(ledger.await(2, Level.COMPUTED, Duration.ofSeconds(10)));
            final AtomicLong max = new AtomicLong();
            duringFailingChains(ledger, 60, (chain, round) ->
            {
                for (int i = 0; i < 1000; i++)
                {
                    chain.open(1000 + i, 0);
                }
                chain.transfer(2, 1, 5);
            }, () -> max.accumulateAndGet(ledger.accountCount(), Math::max));
            assertEquals(2, max.get(), "accountCount counted accounts of a chain that failed");
        }
    }

    /** Defect 3: a clock that stepped back right after the sequencer sent a TICK left the hold active forever. */
    @Test
    void aTickIsNeverStampedBeforeTheExpiryItWasSentFor() throws Exception
    {
        final AtomicLong now = new AtomicLong(1_800_000_000_000_000_000L);
        final AtomicBoolean armed = new AtomicBoolean();
        final long[] peakAndAfter = new long[2];
        final LedgerClock clock = () ->
        {
            if (armed.get() && armed.compareAndSet(true, false))
            {
                now.set(peakAndAfter[1]);
                return peakAndAfter[0]; // the sequencer sees the hold due, then the clock steps back
            }
            return now.get();
        };
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).clock(clock).build()))
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 100);
            final long hold = ledger.hold(1, 2, 60, 10);
            assertTrue(ledger.await(hold, Level.COMMITTED, Duration.ofSeconds(10)));
            final long due = ledger.status(hold).timestamp() + 10_000_000_000L;
            Thread.sleep(50);
            peakAndAfter[0] = due;
            peakAndAfter[1] = due - 1_000_000; // 1 ms back
            armed.set(true);
            final long start = System.nanoTime();
            while (ledger.balance(1).orElseThrow().debitsPending() != 0 && System.nanoTime() - start < 5_000_000_000L)
            {
                Thread.sleep(1);
            }
            assertEquals(0, ledger.balance(1).orElseThrow().debitsPending(), "released although the clock stepped back");
            assertEquals(due, ledger.status(hold + 1).timestamp(), "the TICK is stamped at the expiry it was sent for");
        }
    }

    /** Defect 4: apply's second pass skipped lines that no longer parsed, and failed on a chain that grew. */
    @Test
    void applyStopsWhenTheInputChangedAfterItWasChecked() throws Exception
    {
        final Path input = dir.resolve("ops.csv");
        Files.writeString(input, "open,1\nopen,2\ndeposit,1,100\n");
        final AtomicInteger configs = new AtomicInteger();
        final Path data = dir.resolve("d");
        final Cli.Run run = InProcessCli.run(new byte[0], builder ->
        {
            if (configs.incrementAndGet() == 2) // the ledger is opened after the whole input was checked
            {
                try
                {
                    Files.writeString(input, "open,1\nopen,2\nbogus line\ndeposit,1,100\n");
                }
                catch (final java.io.IOException e)
                {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return builder;
        }, java.util.Map.of(), "apply", "--data", data.toString(), "--input", input.toString());
        assertEquals(3, run.exit(), run.err());
        assertTrue(run.err().contains("the input changed since it was checked: line 3: unknown operation 'bogus line'"),
            run.err());
        assertTrue(run.err().contains("retry from line 3"), run.err());
        assertEquals("1,OK\n2,OK\n", run.out());

        Files.writeString(input, "deposit,1,1,linked\ndeposit,1,1\n");
        configs.set(0);
        final Cli.Run dangling = InProcessCli.run(new byte[0], builder ->
        {
            if (configs.incrementAndGet() == 2)
            {
                try
                {
                    Files.writeString(input, "deposit,1,1,linked\ndeposit,1,1,linked\n");
                }
                catch (final java.io.IOException e)
                {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return builder;
        }, java.util.Map.of(), "apply", "--data", data.toString(), "--input", input.toString());
        assertEquals(3, dangling.exit(), dangling.err());
        assertTrue(dangling.err().contains("line 2 is linked but no operation follows it"), dangling.err());
        assertEquals("", dangling.out(), "the unfinished chain was not submitted");
    }

    /**
     * Second attack, defect 1: a failed chain left ledger time at its failing member's timestamp, so after a
     * restart later transactions were stamped below the chain's last member and a hold that had expired for the
     * ledger that never stopped was still active for the restarted one (a post moved money in one, not the other).
     */
    @Test
    void aFailedChainConsumesAllItsTimestampsSoARestartChangesNothing() throws Exception
    {
        for (final boolean snapshots : new boolean[] {true, false})
        {
            final java.util.List<String> kept = failedChainThenPost(dir.resolve("kept-" + snapshots), false, snapshots);
            final java.util.List<String> restarted = failedChainThenPost(dir.resolve("restarted-" + snapshots), true,
                snapshots);
            assertEquals(kept, restarted, "the same workload with and without a restart (snapshots " + snapshots + ")");
            assertTrue(kept.contains("post HOLD_EXPIRED"), kept.toString());
        }
    }

    private static java.util.List<String> failedChainThenPost(final Path data, final boolean restart,
        final boolean snapshots) throws Exception
    {
        final AtomicLong now = new AtomicLong(1_800_000_000_000_000_000L);
        final LedgerClock clock = now::get;
        final LedgerConfig config = LedgerConfig.builder(data).clock(clock).snapshotEveryTx(snapshots ? 1 : 0)
            .snapshotOnClose(snapshots).build();
        final java.util.List<String> out = new java.util.ArrayList<>();
        Ledger ledger = Ledger.open(config);
        try
        {
            ledger.openAccount(1);
            ledger.openAccount(2);
            ledger.deposit(1, 100);
            final long hold = ledger.hold(1, 2, 10, 1);
            assertTrue(ledger.await(hold, Level.COMMITTED, Duration.ofSeconds(10)));
            final long expiry = ledger.status(hold).timestamp() + 1_000_000_000L;
            now.set(expiry - 3); // frozen below the expiry: no TICK; the chain's stamps run past it
            final long first = ledger.chainBuilder().transfer(1, 2, 1_000_000)
                .deposit(1, 1).deposit(1, 1).deposit(1, 1).deposit(1, 1).submit();
            assertTrue(ledger.await(first + 4, Level.COMMITTED, Duration.ofSeconds(10)));
            for (int i = 0; i < 5; i++)
            {
                out.add("chain " + i + " " + ledger.status(first + i).result() + " at "
                    + (ledger.status(first + i).timestamp() - expiry));
            }
            if (restart)
            {
                ledger.close();
                ledger = Ledger.open(config);
            }
            final long post = ledger.post(hold, 0);
            assertTrue(ledger.await(post, Level.COMMITTED, Duration.ofSeconds(10)));
            out.add("post " + ledger.status(post).result());
            out.add("at " + (ledger.status(post).timestamp() - expiry));
            ledger.forEachAccount((account, balance, dp, cp, od, lastTx) ->
                out.add("account " + account + " " + balance + " " + dp + " " + cp));
        }
        finally
        {
            ledger.close();
        }
        return out;
    }
}
