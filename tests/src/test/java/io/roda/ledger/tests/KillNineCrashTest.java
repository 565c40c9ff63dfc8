package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.Recovery;
import io.roda.testkit.PaymentModel;

/**
 * Runs {@code ledger apply} in a child JVM on an endless deterministic payment workload (transfers, holds,
 * posts, voids, keyed operations with exact retries, linked chains: {@link PaymentCrashWorkload}), kills it
 * with SIGKILL at a random moment, recovers, and checks: recovery ends at a chain boundary (never half a
 * chain); every transaction the child acknowledged as committed survived with the acknowledged result; the
 * state (balances and pending sums) equals the reference model after exactly {@code last_tx_id} operations;
 * the ledger's invariants hold (balances sum to zero, debits pending = credits pending = active holds); every
 * key the model remembers is remembered. Then resumes the workload and repeats.
 *
 * <p>Cycles: {@code -Droda.crashCycles} (3 by default; the {@code crash-loop} Maven profile runs 500).
 */
class KillNineCrashTest
{
    private static final int ACCOUNTS = 500;
    private static final int CHUNK = 400_000;
    private static final long MAX_ACCOUNTS = 1 << 20;
    private static final int REMEMBERED = 2048;

    @TempDir
    Path tmp;

    @Test
    void acknowledgedCommitsSurviveKillNine() throws Exception
    {
        final int cycles = Integer.getInteger("roda.crashCycles", 3);
        final PaymentCrashWorkload workload = new PaymentCrashWorkload(7, ACCOUNTS);
        // a small window and hold table: keys and finished holds are forgotten (and active holds hit capacity)
        // within a few cycles, and the model's chain evaluation (a deep copy) stays cheap
        final PaymentModel model = new PaymentModel(MAX_ACCOUNTS, REMEMBERED, REMEMBERED);
        final List<Result> modelResults = new ArrayList<>();
        modelResults.add(null); // ids are 1-based
        final Path data = tmp.resolve("ledger");
        final SplittableRandom random = new SplittableRandom(cycles);
        long recovered = 0;
        long totalAcked = 0;
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            final Path input = tmp.resolve("input.csv");
            workload.write(input, recovered + 1, recovered + CHUNK);
            assertTrue(recovered == 0 || !workload.linked(recovered), "runs resume at a chain boundary");
            final Process child = Cli.builder("apply", "--data", data.toString(), "--input", input.toString(),
                    "--idempotency-window", String.valueOf(REMEMBERED), "--max-holds", String.valueOf(REMEMBERED))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
            final Thread reader = new Thread(() -> readCompleteLines(child.getInputStream(), acked));
            try
            {
                reader.start();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (acked.isEmpty() && child.isAlive() && System.nanoTime() < deadline)
                {
                    Thread.sleep(5);
                }
                Thread.sleep(random.nextInt(1000)); // kill at a random moment while it applies
            }
            finally
            {
                child.destroyForcibly(); // SIGKILL; also when this test is interrupted by its timeout
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join();

            final Recovery.Recovered after = Recovery.recover(data, MAX_ACCOUNTS, null);
            final long last = after.report().lastTxId();
            assertTrue(last >= recovered, "recovery never goes backwards: " + last + " < " + recovered);
            assertTrue(!workload.linked(last), "cycle " + cycle + ": recovery ends at tx " + last
                + ", inside a linked chain");
            while (modelResults.size() <= last)
            {
                final long first = modelResults.size();
                final long end = workload.chainEnd(first);
                final List<PaymentModel.Op> ops = new ArrayList<>();
                final long[] stamps = new long[(int)(end - first + 1)];
                for (long i = first; i <= end; i++)
                {
                    ops.add(workload.op(i));
                    stamps[(int)(i - first)] = i; // no timeouts in this workload: time only has to increase
                }
                for (final int r : model.apply(ops, first, stamps, new long[ops.size()]))
                {
                    modelResults.add(Result.fromCode(r));
                }
            }
            for (final String line : new ArrayList<>(acked))
            {
                final int comma = line.indexOf(',');
                final long id = Long.parseLong(line.substring(0, comma));
                assertTrue(id <= last, "cycle " + cycle + ": tx " + id + " was acknowledged committed but recovery ends at " + last);
                assertEquals(modelResults.get((int)id).name(), line.substring(comma + 1), "acknowledged result of tx " + id);
            }
            final TreeMap<Long, List<BigInteger>> actual = new TreeMap<>();
            after.state().forEachAccount((account, balance, dp, cp, od, lastTx) -> actual.put(account,
                List.of(BigInteger.valueOf(balance), BigInteger.valueOf(dp), BigInteger.valueOf(cp), BigInteger.valueOf(od))));
            assertEquals(model.accounts(), actual, "cycle " + cycle + ": state after " + last + " transactions");
            assertTrue(after.report().zeroSum());
            assertEquals(null, after.state().checkInvariants(), "cycle " + cycle + ": invariants after recovery");
            for (long i = Math.max(2L * ACCOUNTS + 1, last - 300); i <= last; i++)
            {
                final PaymentModel.Op op = workload.op(i);
                if (op.keyed())
                {
                    assertEquals(model.transactionForKey(op.keyHi(), op.keyLo()),
                        after.state().transactionForKey(op.keyHi(), op.keyLo()), "key of tx " + i + " after recovery");
                }
            }
            totalAcked += acked.size();
            recovered = last;
        }
        System.out.printf("crash test: %d cycles, %d transactions recovered, %d acknowledged lines checked%n",
            cycles, recovered, totalAcked);
        assertTrue(recovered > 2 * ACCOUNTS, "the workload made progress");
    }

    private static void readCompleteLines(final InputStream in, final List<String> lines)
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        try
        {
            final byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        lines.add(line.toString(StandardCharsets.US_ASCII));
                        line.reset();
                    }
                    else
                    {
                        line.write(buffer[i]);
                    }
                }
            }
        }
        catch (final IOException ignored)
        {
            // the child was killed
        }
        // a last line without its newline was cut by the kill and is not an acknowledgement
    }
}
