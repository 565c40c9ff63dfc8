package io.roda.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.roda.common.AgentRunner;
import io.roda.core.Result;
import io.roda.common.StageStats;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ledger bench}: opens and funds accounts, submits transfers, and counts a transfer only once it
 * is committed (forced to disk). Per-transfer latency from submit (or, with {@code --rate}, from its
 * intended send time, correcting coordinated omission) to computed and to committed, in HdrHistograms.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Throughput benchmark: fund accounts, submit transfers, count each once committed to disk.",
        "Defaults are TigerBeetle's benchmark workload: 10,000 accounts, 10,000,000 uniform transfers."})
final class BenchCommand implements Callable<Integer>
{
    private static final long INITIAL_BALANCE = 1_000_000_000_000L;
    private static final long MAX_AMOUNT = 1000;

    @ParentCommand
    LedgerCli cli;

    @Option(names = "--accounts", defaultValue = "10000", description = "Accounts (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--transfers", defaultValue = "10000000", description = "Transfers (default ${DEFAULT-VALUE}).")
    int transfers;

    @Option(names = "--threads", defaultValue = "1",
        description = "Submitting threads (default ${DEFAULT-VALUE}); more than one only in streaming mode (no --rate, no --batch).")
    int threads;

    @Option(names = "--warmup", defaultValue = "500000",
        description = "Unmeasured transfers run at full speed first, so the JIT has compiled the hot paths "
            + "(default ${DEFAULT-VALUE}; 0 for none).")
    int warmup;

    @Option(names = "--batch", defaultValue = "0",
        description = "Submit N transfers, then wait until they are committed before the next N (a client request "
            + "model like TigerBeetle's batches). 0 (default) streams with back-pressure only.")
    int batch;

    @Option(names = "--submit-batch", defaultValue = "1",
        description = "Submit transfers N at a time through Ledger.batchBuilder(): one submission-ring claim per N "
            + "(at most the ledger's maxChain), each transfer still applied on its own (default 1: one submit call "
            + "per transfer). Single submitting thread, streaming.")
    int submitBatch;

    @Option(names = "--distribution", defaultValue = "uniform", description = "uniform or zipf (default ${DEFAULT-VALUE}).")
    String distribution;

    @Option(names = "--zipf-exponent", defaultValue = "1.0", description = "Zipf exponent (default ${DEFAULT-VALUE}).")
    double zipfExponent;

    @Option(names = "--rate", defaultValue = "0",
        description = "Open-loop offered load in transfers/s; latency is measured from each transfer's intended send "
            + "time (coordinated omission corrected). 0 (default): as fast as possible.")
    long rate;

    @Option(names = "--data", description = "Ledger directory (default: a temporary directory in the current "
        + "directory, removed afterwards). Must not hold a ledger already.")
    Path data;

    @Option(names = "--keep", description = "Keep the --data directory (e.g. to time `ledger recover` on it).")
    boolean keep;

    @Option(names = "--json", description = "Write the results as one JSON object to FILE.")
    Path json;

    @Option(names = "--hgrm", description = "Write latency histograms to PREFIX-compute.hgrm and PREFIX-commit.hgrm.")
    String hgrm;

    @Option(names = "--idle", defaultValue = "backoff", description = "Stage idle strategy: busy-spin, yield, backoff, sleep (default ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--force-interval-us", defaultValue = "0",
        description = "Least microseconds between two WAL forces (commit pacing; default ${DEFAULT-VALUE}).")
    long forceIntervalMicros;

    @Option(names = "--journal-size", defaultValue = "524288",
        description = "Records in the transactor's journal ring (default ${DEFAULT-VALUE}).")
    int journalSize;

    @Option(names = "--no-pin", description = "Do not pin stage threads.")
    boolean noPin;

    @Option(names = "--snapshot-every", defaultValue = "5000000", description = "Committed transactions between snapshots (default ${DEFAULT-VALUE}).")
    long snapshotEvery;

    @Option(names = "--keys", arity = "0..1", fallbackValue = "0.1", defaultValue = "-1", paramLabel = "RETRY_SHARE",
        description = "Give every transfer an idempotency key, and resubmit RETRY_SHARE of them exactly (default 0.1 "
            + "when given): each retry must come back DUPLICATE. Single submitting thread, streaming.")
    double keys;

    @Option(names = "--holds", arity = "0..1", fallbackValue = "0.1", defaultValue = "-1", paramLabel = "SHARE",
        description = "Run SHARE of the transfers (default 0.1 when given) as a hold followed by a post (9 in 10) or "
            + "a void (1 in 10). Single submitting thread, streaming.")
    double holds;

    @Option(names = "--feed", description = "Run with the committed-transaction feed on (measures its cost).")
    boolean feed;

    @Override
    public Integer call() throws Exception
    {
        final PrintStream log = cli == null ? System.err : cli.env().stderr();
        final boolean mixed = keys != -1 || holds != -1;
        if (mixed && (!(keys == -1 || (keys >= 0 && keys <= 1)) || !(holds == -1 || (holds >= 0 && holds <= 1))))
        {
            log.println("--keys and --holds take a share in 0..1, was " + (keys == -1 ? holds : keys));
            return 2;
        }
        if (submitBatch < 1 || submitBatch > io.roda.ledger.LedgerConfig.MAX_CHAIN
            || (submitBatch > 1 && (mixed || threads != 1 || rate != 0 || batch != 0)))
        {
            log.println("--submit-batch must be in 1.." + io.roda.ledger.LedgerConfig.MAX_CHAIN + ", was " + submitBatch
                + "; above 1 it runs with one submitting thread, streaming: no --keys, --holds, --threads, --rate or --batch");
            return 2;
        }
        if (mixed && (threads != 1 || rate != 0 || batch != 0))
        {
            log.println("--keys and --holds run with one submitting thread, streaming: no --threads, --rate or --batch");
            return 2;
        }
        if (accounts < 2 || accounts > (1 << 28) || transfers < 1 || transfers > 500_000_000 || batch < 0 || rate < 0
            || warmup < 0 || threads < 1 || threads > 256 || (threads > 1 && (rate > 0 || batch > 0)))
        {
            log.println("need 2 <= --accounts <= 268435456, 1 <= --transfers <= 500000000, --batch >= 0, --rate >= 0, "
                + "--warmup >= 0, 1 <= --threads <= 256, and --threads > 1 only without --rate and --batch");
            return 2;
        }
        if (!distribution.equals("uniform") && !distribution.equals("zipf"))
        {
            log.println("unknown --distribution '" + distribution + "'; expected uniform or zipf");
            return 2;
        }
        if (!Double.isFinite(zipfExponent) || zipfExponent <= 0 || zipfExponent > 100)
        {
            log.println("--zipf-exponent must be a number in (0, 100], was " + zipfExponent);
            return 2;
        }
        if (json != null && !writable(json))
        {
            log.println("--json " + json + ": cannot write a file there (checked before the run, not after)");
            return 2;
        }
        if (hgrm != null && !writable(Path.of(hgrm + "-compute.hgrm")))
        {
            log.println("--hgrm " + hgrm + ": cannot write files there (checked before the run, not after)");
            return 2;
        }
        final boolean temporary = data == null;
        final Path dir = temporary ? Files.createTempDirectory(Path.of("").toAbsolutePath(), ".bench-") : data;
        if (!temporary && Files.isDirectory(dir.resolve("wal")))
        {
            log.println("--data " + dir + " already holds a ledger; the benchmark needs a fresh directory");
            return 2;
        }
        try
        {
            return run(dir, log);
        }
        finally
        {
            if (temporary && !keep)
            {
                deleteTree(dir);
            }
        }
    }

    /** @return whether a file can be created or replaced at {@code file} (its directory exists and is writable). */
    private static boolean writable(final Path file)
    {
        final Path parent = file.toAbsolutePath().getParent();
        return !Files.isDirectory(file) && parent != null && Files.isDirectory(parent) && Files.isWritable(parent);
    }

    private int run(final Path dir, final PrintStream log) throws Exception
    {
        final LedgerConfig config;
        try
        {
            config = config(dir);
        }
        catch (final IllegalArgumentException e)
        {
            log.println(e.getMessage());
            return 2;
        }
        return run(config, log);
    }

    private LedgerConfig config(final Path dir)
    {
        return LedgerConfig.builder(dir).maxAccounts(Math.max(accounts, 1 << 10))
            .idleStrategy(idle).journalSize(journalSize).walForceIntervalMicros(forceIntervalMicros).pinning(noPin ? AgentRunner.Pinning.NONE : AgentRunner.Pinning.BEST_EFFORT)
            .snapshotEveryTx(snapshotEvery).snapshotOnClose(false).feed(feed).resultRetention(Integer.highestOneBit(
                (int)Math.min(1 << 29, Math.max(1, (keys != -1 || holds != -1 ? 2L : 1L) * transfers + 2L * accounts + warmup))) << 1).build();
    }

    private int run(final LedgerConfig config, final PrintStream log) throws Exception
    {
        if (keys != -1 || holds != -1)
        {
            return runMixed(config, log);
        }
        final long[] submitNanos = new long[transfers];
        final Histogram compute = new Histogram(3_600_000_000_000L, 3);
        final Histogram commit = new Histogram(3_600_000_000_000L, 3);
        final Histogram sendLag = new Histogram(3_600_000_000_000L, 3);
        final int[] from = new int[transfers];
        final int[] to = new int[transfers];
        final long[] amounts = new long[transfers];
        generate(from, to, amounts);

        try (Ledger ledger = Ledger.open(config))
        {
            log.printf("roda bench: %,d accounts, %,d transfers, %s, batch %s, rate %s, idle %s, %d submitting thread(s)%s%n",
                accounts, transfers, distribution, batch == 0 ? "streaming" : batch, rate == 0 ? "max" : rate + "/s", idle,
                threads, submitBatch > 1 ? ", submitted " + submitBatch + " per ring claim" : "");
            final long setupLast = setUp(ledger, log, from, to, false);
            final long firstId = setupLast + 1;
            final long lastId = setupLast + transfers;

            final Recorder recorder = new Recorder(ledger, submitNanos, firstId, lastId, compute, commit);
            final List<StageStats> stagesBefore = ledger.stageStats();
            final long submitterCpuBefore = threadCpuNanos();
            final long start = System.nanoTime();
            final Thread recorderThread = recorder.startAt(start);
            final Thread[] submitters = new Thread[threads - 1];
            for (int t = 1; t < threads; t++)
            {
                final int me = t;
                submitters[t - 1] = new Thread(() -> submitShare(ledger, me, from, to, amounts, submitNanos, start, firstId),
                    "bench-submitter-" + t);
                submitters[t - 1].start();
            }
            final io.roda.ledger.ChainBuilder submitGroup = submitBatch > 1 ? ledger.batchBuilder() : null;
            if (submitGroup != null && submitBatch > submitGroup.capacity())
            {
                throw new IllegalArgumentException("--submit-batch " + submitBatch + " is above this ledger's maxChain "
                    + submitGroup.capacity());
            }
            final boolean spinPacing = Runtime.getRuntime().availableProcessors() >= 8;
            final long period = rate == 0 ? 0 : 1_000_000_000L / rate;
            final long periodRemainder = rate == 0 ? 0 : 1_000_000_000L % rate;
            for (int i = 0; i < transfers; i++)
            {
                if (threads > 1)
                {
                    submitShare(ledger, 0, from, to, amounts, submitNanos, start, firstId);
                    break;
                }
                if (period != 0)
                {
                    // open loop: sleep until the transfer is due, then send everything due in one burst;
                    // latency counts from the intended time, so oversleeping is charged, never hidden
                    final long intended = start + i * period + (i * periodRemainder) / rate;
                    long now = System.nanoTime();
                    while (now < intended)
                    {
                        // a park oversleeps by ~50 us: with cores to spare, spin the last stretch; on a small
                        // machine spinning would starve the pipeline, so park (and the lag is reported)
                        if (!spinPacing || intended - now > 200_000)
                        {
                            LockSupport.parkNanos(spinPacing ? intended - now - 100_000 : intended - now);
                        }
                        else
                        {
                            Thread.onSpinWait();
                        }
                        now = System.nanoTime();
                    }
                    submitNanos[i] = intended - start + 1;
                    sendLag.recordValue(now - intended);
                }
                else
                {
                    submitNanos[i] = System.nanoTime() - start + 1;
                }
                if (submitGroup != null)
                {
                    submitGroup.transfer(from[i], to[i], amounts[i]);
                    if (submitGroup.size() == submitBatch || i == transfers - 1)
                    {
                        submitGroup.submit();
                    }
                    continue;
                }
                final long id = ledger.transfer(from[i], to[i], amounts[i]);
                if (batch > 0 && ((i + 1) % batch == 0 || i == transfers - 1))
                {
                    ledger.await(id, Level.COMMITTED, Duration.ofMinutes(5));
                }
            }
            for (final Thread submitter : submitters)
            {
                submitter.join();
            }
            recorderThread.join();
            final long feedCaughtUpAt = awaitFeed(ledger, lastId);
            final long submitterCpu = threads == 1 && submitterCpuBefore >= 0 ? threadCpuNanos() - submitterCpuBefore : -1;
            final List<StageStats> stages = settledStats(ledger, stagesBefore, transfers);
            final double computeSeconds = (recorder.computedAt - start) / 1e9;
            final double commitSeconds = (recorder.committedAt - start) / 1e9;

            final String verdict = verify(ledger, firstId, lastId);
            final Long committedTps = perSecond(transfers, commitSeconds);
            final Long computedTps = perSecond(transfers, computeSeconds);
            log.printf("%nresult: %,d transfers committed in %.3f s = %,d committed transfers/s (computed: %,d/s)%n",
                transfers, commitSeconds, committedTps, computedTps);
            printLatencies(log, compute, commit);
            if (rate > 0)
            {
                log.printf("send lag us (load generator behind schedule): p50 %s  p99 %s  max %s%n", us(sendLag, 50),
                    us(sendLag, 99), us(sendLag, 100));
            }
            printStages(log, stages);
            printHarnessCpu(log, submitterCpu, recorder.cpuNanos, transfers);
            log.println("verification: " + verdict);
            final Json feedReport = feedReport(ledger, log, lastId, feedCaughtUpAt - recorder.committedAt);
            if (json != null)
            {
                final Json out = new Json()
                    .put("transfers", transfers).put("accounts", accounts).put("seconds", commitSeconds)
                    .put("committed_tps", committedTps).put("computed_tps", computedTps)
                    .put("commit_latency_us", latency(commit)).put("compute_latency_us", latency(compute))
                    .put("warmup_transfers", warmup).put("submitting_threads", threads).put("batch", batch)
                    .put("submit_batch", submitBatch).put("rate", rate).put("distribution", distribution)
                    .put("coordinated_omission_corrected", rate > 0)
                    .put("send_lag_us", rate > 0 ? latency(sendLag) : null)
                    .put("idle_strategy", idle).put("wal_force_interval_us", forceIntervalMicros)
                    .put("journal_size", journalSize).put("stages", ledger.stagePlacement())
                    .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                    .put("cores", Runtime.getRuntime().availableProcessors())
                    .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
                    .put("wal_bytes_per_transfer", 40).put("stage_counters", stageCounters(stages))
                    .put("submitter_cpu_ns", submitterCpu).put("recorder_cpu_ns", recorder.cpuNanos)
                    .put("feed", feedReport).put("verified", verdict.startsWith("ok"));
                Files.writeString(json, out + "\n");
            }
            if (hgrm != null)
            {
                writeHgrm(compute, hgrm + "-compute.hgrm");
                writeHgrm(commit, hgrm + "-commit.hgrm");
            }
            if (!verdict.startsWith("ok"))
            {
                log.println("BENCHMARK FAILED VERIFICATION");
                return 1;
            }
        }
        return 0;
    }

    private static final VarHandle NANOS = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Prints where the stages run, opens and funds every account, then runs the warm-up: reversed, tiny transfers
     * (every measured transfer still succeeds), half of them keyed when {@code keyedWarmup}.
     *
     * @return the id of the last set-up transaction, all committed.
     */
    private long setUp(final Ledger ledger, final PrintStream log, final int[] from, final int[] to,
        final boolean keyedWarmup) throws InterruptedException
    {
        log.println("stages: " + String.join(", ", ledger.stagePlacement()) + "; cores: "
            + Runtime.getRuntime().availableProcessors());
        long last = 0;
        for (int a = 1; a <= accounts; a++)
        {
            ledger.openAccount(a);
            last = ledger.deposit(a, INITIAL_BALANCE);
        }
        ledger.await(last, Level.COMMITTED, Duration.ofMinutes(5));
        final long salt = System.nanoTime() | 1;
        for (int i = 0; i < warmup; i++)
        {
            final int k = i % transfers;
            last = keyedWarmup && (i & 1) == 0 ? ledger.transfer(to[k], from[k], 1, ~salt, i) : ledger.transfer(to[k], from[k], 1);
        }
        if (warmup > 0)
        {
            ledger.await(last, Level.COMMITTED, Duration.ofMinutes(5));
            log.printf("warm-up: %,d transfers done%s%n", warmup, keyedWarmup ? " (half keyed)" : "");
        }
        return last;
    }

    private static final byte PLAIN = 0;
    private static final byte KEYED = 1;
    private static final byte RETRY = 2;
    private static final byte HOLD = 3;
    private static final byte POST = 4;
    private static final byte VOID = 5;

    /**
     * {@code --keys} / {@code --holds}: transfers mixed with exact keyed retries, or run as hold + post/void. Every
     * transaction (a retry, a hold, a post) is one measured unit; the report gives transactions/s and transfers/s.
     */
    private int runMixed(final LedgerConfig config, final PrintStream log) throws Exception
    {
        final int[] from = new int[transfers];
        final int[] to = new int[transfers];
        final long[] amounts = new long[transfers];
        generate(from, to, amounts);
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] kinds = new byte[transfers * 2];
        int n = 0;
        for (int i = 0; i < transfers; i++)
        {
            if (holds > 0 && random.nextDouble() < holds)
            {
                kinds[n++] = HOLD;
                kinds[n++] = random.nextInt(10) == 0 ? VOID : POST;
            }
            else
            {
                kinds[n++] = keys >= 0 ? KEYED : PLAIN;
                if (keys > 0 && random.nextDouble() < keys)
                {
                    kinds[n++] = RETRY;
                }
            }
        }
        final int total = n;
        final long[] submitNanos = new long[total];
        final Histogram compute = new Histogram(3_600_000_000_000L, 3);
        final Histogram commit = new Histogram(3_600_000_000_000L, 3);
        final long salt = System.nanoTime() | 1;
        try (Ledger ledger = Ledger.open(config))
        {
            log.printf("roda bench: %,d accounts, %,d transfers as %,d transactions (keys %s, holds %s), %s, idle %s%n",
                accounts, transfers, total, keys == -1 ? "off" : "on, retried share " + keys,
                holds == -1 ? "off" : "share " + holds, distribution, idle);
            final long setupLast = setUp(ledger, log, from, to, true);
            final long firstId = setupLast + 1;
            final long lastId = setupLast + total;
            final Recorder recorder = new Recorder(ledger, submitNanos, firstId, lastId, compute, commit);
            final List<StageStats> stagesBefore = ledger.stageStats();
            final long start = System.nanoTime();
            final Thread recorderThread = recorder.startAt(start);
            int t = 0;
            long holdId = 0;
            for (int x = 0; x < total; x++)
            {
                submitNanos[x] = System.nanoTime() - start + 1;
                switch (kinds[x])
                {
                    case PLAIN: ledger.transfer(from[t], to[t], amounts[t]); t++; break;
                    case KEYED: ledger.transfer(from[t], to[t], amounts[t], salt, t); t++; break;
                    case RETRY: ledger.transfer(from[t - 1], to[t - 1], amounts[t - 1], salt, t - 1); break;
                    case HOLD:
                        holdId = keys >= 0 ? ledger.hold(from[t], to[t], amounts[t], 0, salt, t)
                            : ledger.hold(from[t], to[t], amounts[t], 0);
                        t++;
                        break;
                    case POST:
                        if (keys >= 0)
                        {
                            ledger.post(holdId, 0, ~salt, holdId);
                        }
                        else
                        {
                            ledger.post(holdId, 0);
                        }
                        break;
                    default:
                        ledger.voidHold(holdId);
                        break;
                }
            }
            recorderThread.join();
            final long feedCaughtUpAt = awaitFeed(ledger, lastId);
            final List<StageStats> stages = settledStats(ledger, stagesBefore, total);
            final double computeSeconds = (recorder.computedAt - start) / 1e9;
            final double commitSeconds = (recorder.committedAt - start) / 1e9;
            long wrong = 0;
            for (int x = 0; x < total; x++)
            {
                final Result expected = kinds[x] == RETRY ? Result.DUPLICATE : Result.OK;
                if (ledger.status(firstId + x).result() != expected)
                {
                    wrong++;
                }
            }
            final long[] sums = new long[3];
            ledger.forEachAccount((account, balance, dp, cp, od, lastTx) ->
            {
                sums[0] += balance;
                sums[1] += account == 0 ? 0 : balance;
                sums[2] += dp + cp;
            });
            final boolean ok = wrong == 0 && sums[0] == 0 && sums[1] == INITIAL_BALANCE * accounts && sums[2] == 0
                && ledger.commitIndex() >= lastId;
            final String verdict = ok ? "ok (zero-sum holds, total conserved, no hold left pending, every transaction "
                + "OK and every retry DUPLICATE)" : "FAILED: " + wrong + " unexpected results, balance sum " + sums[0]
                + ", accounts' total " + sums[1] + ", pending left " + sums[2];
            log.printf("%nresult: %,d transactions committed in %.3f s = %,d committed transactions/s "
                + "(%,d transfers/s; computed: %,d transactions/s)%n", total, commitSeconds, perSecond(total, commitSeconds),
                perSecond(transfers, commitSeconds), perSecond(total, computeSeconds));
            printLatencies(log, compute, commit);
            printStages(log, stages);
            log.println("verification: " + verdict);
            final Json feedReport = feedReport(ledger, log, lastId, feedCaughtUpAt - recorder.committedAt);
            if (json != null)
            {
                final Json out = new Json()
                    .put("feed", feedReport)
                    .put("transfers", transfers).put("transactions", total).put("accounts", accounts)
                    .put("seconds", commitSeconds).put("committed_tps", perSecond(total, commitSeconds))
                    .put("committed_transfers_per_s", perSecond(transfers, commitSeconds))
                    .put("computed_tps", perSecond(total, computeSeconds))
                    .put("keys", keys != -1).put("retry_share", keys == -1 ? null : keys)
                    .put("hold_share", holds == -1 ? null : holds)
                    .put("commit_latency_us", latency(commit)).put("compute_latency_us", latency(compute))
                    .put("warmup_transfers", warmup).put("idle_strategy", idle).put("stages", ledger.stagePlacement())
                    .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                    .put("cores", Runtime.getRuntime().availableProcessors())
                    .put("stage_counters", stageCounters(stages)).put("verified", ok);
                Files.writeString(json, out + "\n");
            }
            if (!ok)
            {
                log.println("BENCHMARK FAILED VERIFICATION");
                return 1;
            }
        }
        return 0;
    }

    /**
     * With several submitting threads ids interleave, so each thread records its submit time under the id
     * it got, after the submit, with a release store; the recorder waits for it with an acquire load.
     */
    private void submitShare(final Ledger ledger, final int me, final int[] from, final int[] to, final long[] amounts,
        final long[] submitNanos, final long start, final long firstId)
    {
        for (int i = me; i < transfers; i += threads)
        {
            final long t0 = System.nanoTime();
            final long id = ledger.transfer(from[i], to[i], amounts[i]);
            NANOS.setRelease(submitNanos, (int)(id - firstId), t0 - start + 1);
        }
    }

    private void generate(final int[] from, final int[] to, final long[] amounts)
    {
        final SplittableRandom random = new SplittableRandom(20261123);
        final double[] cdf = distribution.equals("zipf") ? zipfCdf(accounts, zipfExponent) : null;
        for (int i = 0; i < from.length; i++)
        {
            final int a = pick(random, cdf);
            int b = pick(random, cdf);
            while (b == a)
            {
                b = 1 + random.nextInt(accounts);
            }
            from[i] = a;
            to[i] = b;
            amounts[i] = 1 + random.nextLong(MAX_AMOUNT);
        }
    }

    private int pick(final SplittableRandom random, final double[] cdf)
    {
        if (cdf == null)
        {
            return 1 + random.nextInt(accounts);
        }
        final double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return 1 + lo;
    }

    private static double[] zipfCdf(final int n, final double s)
    {
        final double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++)
        {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++)
        {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** Checks zero-sum, conservation of the funded total, and that every transfer succeeded. */
    private String verify(final Ledger ledger, final long firstId, final long lastId)
    {
        final long[] sums = new long[3];
        ledger.forEachAccount((account, balance, dp, cp, od, lastTx) ->
        {
            sums[0] += balance;
            if (account != 0)
            {
                sums[1] += balance;
                sums[2]++;
            }
        });
        long failed = 0;
        for (long id = firstId; id <= lastId; id++)
        {
            if (ledger.status(id).result() != Result.OK)
            {
                failed++;
            }
        }
        final long expectedTotal = INITIAL_BALANCE * accounts;
        if (sums[0] != 0 || sums[1] != expectedTotal || sums[2] != accounts || failed != 0
            || ledger.commitIndex() < lastId)
        {
            return "FAILED: sum of all balances " + sums[0] + " (expected 0), accounts' total " + sums[1] + " (expected "
                + expectedTotal + "), accounts " + sums[2] + ", transfers not OK " + failed + ", commit index "
                + ledger.commitIndex() + " (expected >= " + lastId + ")";
        }
        return "ok (zero-sum holds, total " + expectedTotal + " conserved, all " + (lastId - firstId + 1)
            + " transfers OK and committed)";
    }

    /** @return {@code count / seconds}, or null (JSON null, never Infinity or NaN) when no time passed. */
    static Long perSecond(final long count, final double seconds)
    {
        return seconds > 0 && Double.isFinite(seconds) ? Long.valueOf((long)(count / seconds)) : null;
    }

    private static Json latency(final Histogram h)
    {
        return new Json().put("p50", h.getValueAtPercentile(50) / 1000.0).put("p99", h.getValueAtPercentile(99) / 1000.0)
            .put("p999", h.getValueAtPercentile(99.9) / 1000.0).put("max", h.getMaxValue() / 1000.0);
    }

    private static void printLatencies(final PrintStream log, final Histogram compute, final Histogram commit)
    {
        log.printf("compute latency us: p50 %s  p99 %s  p99.9 %s  max %s%n", us(compute, 50), us(compute, 99),
            us(compute, 99.9), us(compute, 100));
        log.printf("commit  latency us: p50 %s  p99 %s  p99.9 %s  max %s%n", us(commit, 50), us(commit, 99),
            us(commit, 99.9), us(commit, 100));
    }

    private static String us(final Histogram h, final double percentile)
    {
        final long nanos = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
        return String.format("%.1f", nanos / 1000.0);
    }

    /**
     * @return the stage counters of the measured run. A stage counts a batch right after the loop that advanced
     *     its index, so this waits (at most a second) until the WAL has counted every measured transaction.
     */
    private static List<StageStats> settledStats(final Ledger ledger, final List<StageStats> before, final long expected)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 1_000_000_000L;
        List<StageStats> stages = delta(ledger.stageStats(), before);
        while (stages.get(2).getItems() < expected && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(1);
            stages = delta(ledger.stageStats(), before);
        }
        return stages;
    }

    private static List<StageStats> delta(final List<StageStats> after, final List<StageStats> before)
    {
        final List<StageStats> delta = new java.util.ArrayList<>();
        for (int i = 0; i < after.size(); i++)
        {
            delta.add(after.get(i).minus(before.get(i)));
        }
        return delta;
    }

    /** Prints what each stage did during the measured run: where the time went. */
    static void printStages(final PrintStream log, final List<StageStats> stages)
    {
        log.println("stages (measured run; busy + blocked + idle = the stage's running time):");
        log.printf("  %-12s %12s %10s %10s %8s %8s %7s %9s %9s %10s %10s%n", "stage", "items", "batches", "mean batch",
            "p99 b", "busy", "blocked", "busy ns/i", "cpu ns/i", "io ops", "io ms");
        for (final StageStats s : stages)
        {
            log.printf("  %-12s %,12d %,10d %10.1f %8d %7.1f%% %6.1f%% %9.1f %9.1f %,10d %,10.1f%n", s.getStage(),
                s.getItems(), s.getBatches(), s.getMeanBatch(), s.batchPercentile(0.99), 100 * s.getBusyRatio(),
                100 * s.getBlockedRatio(), s.getBusyNanosPerItem(), s.getCpuNanosPerItem(), s.getIoOperations(),
                s.getIoNanos() / 1e6);
        }
    }

    /** Prints the CPU the harness's own threads used: on a small machine it competes with the stages. */
    private static void printHarnessCpu(final PrintStream log, final long submitterCpu, final long recorderCpu,
        final long transfers)
    {
        log.printf("harness cpu ns/transfer: submitter %s, latency recorder %s%n",
            submitterCpu < 0 ? "n/a" : String.format("%.1f", (double)submitterCpu / transfers),
            recorderCpu < 0 ? "n/a" : String.format("%.1f", (double)recorderCpu / transfers));
    }

    /** With {@code --feed}: waits (5 min at most) until the feed holds {@code lastId}; @return when it did. */
    private long awaitFeed(final Ledger ledger, final long lastId) throws InterruptedException
    {
        if (!feed)
        {
            return 0;
        }
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        while (ledger.feedIndex() < lastId && ledger.feedFailure() == null && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
            Thread.yield();
        }
        return System.nanoTime();
    }

    /**
     * With {@code --feed}: how long after the last commit the feed held the last transaction, then the latency of
     * account history queries (100 rows each, random accounts) on the ledger just built.
     *
     * @return the {@code feed} JSON object, or null without --feed.
     */
    private Json feedReport(final Ledger ledger, final PrintStream log, final long lastId, final long lagNanos)
    {
        if (!feed)
        {
            return null;
        }
        final double lagMs = Math.max(0, lagNanos) / 1e6;
        if (ledger.feedIndex() < lastId)
        {
            log.println("feed: FAILED to reach transaction " + lastId + " (at " + ledger.feedIndex() + "): "
                + ledger.feedFailure());
            return new Json().put("caught_up", false);
        }
        final Histogram history = new Histogram(60_000_000_000L, 3);
        final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        long rows = 0;
        for (int q = 0; q < 1200; q++)
        {
            final long account = 1 + random.nextInt(accounts);
            final long t0 = System.nanoTime();
            final int n = ledger.history(account, 100, 0).size();
            final long took = System.nanoTime() - t0;
            if (q >= 200) // the first 200 warm the JIT and the page cache
            {
                history.recordValue(took);
                rows += n;
            }
        }
        log.printf("feed: held every transaction %.1f ms after the last commit; history (100 rows, %,d accounts, "
            + "%,d transactions): p50 %s us, p99 %s us, max %s us (mean rows %.1f)%n", lagMs, accounts, lastId,
            us(history, 50), us(history, 99), us(history, 100), rows / 1000.0);
        final Histogram visible = visibleAfterCommit(ledger);
        log.printf("feed: a single transfer committed on an idle ledger reaches a feed tailer in p50 %s us, p99 %s us, "
            + "max %s us (300 samples, 2 ms apart)%n", us(visible, 50), us(visible, 99), us(visible, 100));
        return new Json().put("caught_up", true).put("lag_after_last_commit_ms", lagMs)
            .put("history_rows_per_query_mean", rows / 1000.0).put("history_latency_us", latency(history))
            .put("commit_to_tailer_us", latency(visible));
    }

    /**
     * Submits single transfers on the now idle ledger, each once the stages have gone back to parking, and times
     * from the moment the submitter sees it committed to the moment a {@code LedgerFeed} tailer reads it.
     */
    private static Histogram visibleAfterCommit(final Ledger ledger)
    {
        final Histogram visible = new Histogram(60_000_000_000L, 3);
        try (io.roda.feed.LedgerFeed reader = io.roda.feed.LedgerFeed.open(ledger.config().directory());
             io.roda.feed.LedgerFeed.Tailer tailer = reader.tailer(ledger.feedIndex() + 1))
        {
            final io.roda.feed.FeedEntry entry = new io.roda.feed.FeedEntry();
            for (int i = 0; i < 350; i++)
            {
                final long id = ledger.transfer(1, 2, 1);
                if (!ledger.await(id, Level.COMMITTED, Duration.ofSeconds(30)))
                {
                    throw new IllegalStateException("transaction " + id + " was not committed in 30 s");
                }
                final long committed = System.nanoTime();
                final long deadline = committed + 30_000_000_000L;
                do
                {
                    while (!tailer.next(entry))
                    {
                        if (System.nanoTime() > deadline)
                        {
                            throw new IllegalStateException("transaction " + id + " did not reach the feed in 30 s");
                        }
                        Thread.onSpinWait();
                    }
                }
                while (entry.txId() < id);
                if (i >= 50)
                {
                    visible.recordValue(System.nanoTime() - committed);
                }
                LockSupport.parkNanos(2_000_000); // the stages go idle (park) again
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        return visible;
    }

    /** @return the {@code stage_counters} JSON object: one entry per stage, keyed by its name. */
    static Json stageCounters(final List<StageStats> stages)
    {
        final Json out = new Json();
        for (final StageStats s : stages)
        {
            final java.util.Map<String, Long> histogram = new java.util.LinkedHashMap<>();
            final long[] buckets = s.getBatchHistogram();
            for (int k = 0; k < buckets.length; k++)
            {
                if (buckets[k] != 0)
                {
                    histogram.put(Long.toString(1L << k), buckets[k]); // batches of 2^k .. 2^(k+1)-1 items
                }
            }
            out.put(s.getStage(), new Json()
                .put("items", s.getItems()).put("batches", s.getBatches()).put("mean_batch", s.getMeanBatch())
                .put("busy_ratio", s.getBusyRatio()).put("blocked_ratio", s.getBlockedRatio())
                .put("busy_loops", s.getBusyLoops()).put("idle_loops", s.getIdleLoops())
                .put("blocked_loops", s.getBlockedLoops()).put("busy_ns", s.getBusyNanos())
                .put("idle_ns", s.getIdleNanos()).put("blocked_ns", s.getBlockedNanos())
                .put("busy_ns_per_item", s.getBusyNanosPerItem()).put("io_operations", s.getIoOperations())
                .put("io_ns", s.getIoNanos()).put("cpu_ns", s.getCpuNanos())
                .put("cpu_ns_per_item", s.getCpuNanosPerItem()).put("batch_size_histogram", histogram));
        }
        return out;
    }

    private static void writeHgrm(final Histogram h, final String file) throws IOException
    {
        try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(file))))
        {
            h.outputPercentileDistribution(out, 1000.0); // microseconds
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)walk.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Records, per transfer, the time from submit to computed and to committed; prints progress each second. */
    private static final class Recorder implements Runnable
    {
        private final Ledger ledger;
        private final long[] submitNanos;
        private final long firstId;
        private final long lastId;
        private final Histogram compute;
        private final Histogram commit;
        volatile long start;
        /** Spin when cores are plentiful: a parked recorder would add its wake-up time to every latency. */
        private final boolean spin = Runtime.getRuntime().availableProcessors() >= 8;
        long computedAt;
        long committedAt;
        volatile long cpuNanos = -1; // this thread's CPU time for the whole run, when the JVM can tell

        Recorder(final Ledger ledger, final long[] submitNanos, final long firstId, final long lastId,
            final Histogram compute, final Histogram commit)
        {
            this.ledger = ledger;
            this.submitNanos = submitNanos;
            this.firstId = firstId;
            this.lastId = lastId;
            this.compute = compute;
            this.commit = commit;
        }

        /** Starts recording on its own thread, with latencies counted from {@code startNanos}. @return the thread. */
        Thread startAt(final long startNanos)
        {
            start = startNanos;
            final Thread thread = new Thread(this, "bench-recorder");
            thread.start();
            return thread;
        }

        /** Records, for every id after {@code done} up to {@code reached}, its latency at {@code now}. */
        private long record(final Histogram histogram, final long done, final long reached, final long now)
        {
            for (long id = done + 1; id <= reached; id++)
            {
                long submitted;
                while ((submitted = (long)NANOS.getAcquire(submitNanos, (int)(id - firstId))) == 0)
                {
                    Thread.onSpinWait(); // computed before its submitter stored the time: a few ns away
                }
                histogram.recordValue(Math.max(0, now - (start + submitted - 1)));
            }
            return Math.max(done, reached);
        }

        @Override
        public void run()
        {
            long computed = firstId - 1;
            long committed = firstId - 1;
            long nextReport = start + 1_000_000_000L;
            long lastReported = committed;
            int idle = 0;
            while (committed < lastId)
            {
                // A computed id was submitted, and its submit time was written before the submit call: the
                // pipeline's release/acquire chain makes it visible here. Reading the ring's tail instead
                // would pull the submitter's hottest cache line to this core on every loop.
                final long c = ledger.computeIndex();
                final long d = ledger.commitIndex();
                final long now = System.nanoTime();
                final boolean worked = c > computed || d > committed;
                computed = record(compute, computed, c, now);
                if (computed == lastId && computedAt == 0)
                {
                    computedAt = now;
                }
                committed = record(commit, committed, d, now);
                if (committed == lastId && committedAt == 0)
                {
                    committedAt = now;
                }
                if (now >= nextReport)
                {
                    System.err.printf("  %5.1f s  committed %,12d / %,d  (%,d/s)%n", (now - start) / 1e9,
                        committed - firstId + 1, lastId - firstId + 1, committed - lastReported);
                    lastReported = committed;
                    nextReport += 1_000_000_000L;
                }
                if (ledger.failure() != null)
                {
                    throw new IllegalStateException("ledger failed", ledger.failure());
                }
                if (worked)
                {
                    idle = 0;
                }
                else if (++idle > 100 && !spin)
                {
                    LockSupport.parkNanos(20_000);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            cpuNanos = threadCpuNanos();
        }
    }

    /** @return the calling thread's CPU time, or -1 when the JVM cannot tell. */
    static long threadCpuNanos()
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }
}
