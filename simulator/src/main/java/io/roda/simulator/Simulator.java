package io.roda.simulator;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.roda.core.LedgerClock;
import io.roda.core.OpType;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.Recovery;
import io.roda.ledger.TransactionStatus;
import io.roda.testkit.PaymentModel;
import io.roda.testkit.PaymentWorkload;
import io.roda.transactor.ResultLog;

/**
 * The storage-fault simulator: the real pipeline and the real recovery code on a {@link SimDisk}, cut at random
 * moments, checked after every cut against the reference {@link PaymentModel}.
 *
 * <p>One seed is one ledger's life story: lives of random payment work (single operations and linked chains with
 * keys, holds, posts, voids, expiring holds), each ended by a power cut at a random mutating disk operation (or a
 * cut while the ledger is idle, or a clean close), sometimes with a disk fault. After each cut the simulator
 * recovers the directory with {@link Recovery} and checks that
 * <ul>
 *   <li>every acknowledged (committed) transaction survived: the recovered ledger reaches it;</li>
 *   <li>every recovered transaction has the result, timestamp and duplicate-of the live ledger reported;</li>
 *   <li>every account equals the model's after {@code last_tx_id} transactions (the model replays the ledger's own
 *       history up to the recovered end, so transactions that were lost unacknowledged are allowed to vanish);</li>
 * </ul>
 * and then opens the ledger again and goes on with new work. A recovery that refuses the directory is a
 * <em>detection</em> when a fault that can destroy committed data was injected since the last check (the message
 * must name a file of the ledger), and a finding otherwise. Anything else that fails is a finding.
 *
 * <p>What a seed fixes: the workload, the clock, when each life ends (the mutating operation the cut lands on, or
 * an idle cut or clean close), which faults are injected where, and every fate the crash image draws. What it does
 * not fix: thread timing, so how transactions are grouped into WAL frames, where TICKs fall and when snapshots are
 * written can differ between two runs of one seed; the cut then lands on a different byte. A failing seed therefore
 * reproduces the same scenario, usually the same failure, not always the same bytes (docs/STORAGE.md).
 */
public final class Simulator
{
    /** Where the simulated ledger lives on the simulated disk. */
    public static final Path DIR = Path.of("/sim/ledger");
    private static final int ACCOUNTS = 12;
    private static final int HOLDS = 24;
    private static final int WINDOW = 16;
    private static final long T0 = 1_800_000_000_000_000_000L;
    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * What to run.
     *
     * @param firstSeed   the first seed; seeds {@code firstSeed .. firstSeed + seeds - 1} run.
     * @param seeds       how many seeds.
     * @param cutsPerSeed power cuts per seed.
     * @param lyingDisk   forces return without making anything durable: the checker must then report findings.
     * @param faults      inject disk faults (failed writes and forces, bad reads, corrupted sectors).
     */
    public record Options(long firstSeed, int seeds, int cutsPerSeed, boolean lyingDisk, boolean faults)
    {
        /** @throws IllegalArgumentException naming the setting out of range. */
        public Options
        {
            if (seeds < 1)
            {
                throw new IllegalArgumentException("seeds must be at least 1, was " + seeds);
            }
            if (cutsPerSeed < 1)
            {
                throw new IllegalArgumentException("cuts per seed must be at least 1, was " + cutsPerSeed);
            }
            if (firstSeed > Long.MAX_VALUE - (seeds - 1))
            {
                throw new IllegalArgumentException("seeds " + firstSeed + ".." + firstSeed + "+" + (seeds - 1)
                    + " overflow a long");
            }
        }
    }

    /** A broken promise: the seed and cut that show it, and what was wrong. */
    public record Finding(long seed, int cut, String problem)
    {
    }

    /** Totals of a run. */
    public static final class Report
    {
        long seeds;
        long powerCuts;
        long cleanCloses;
        long faultsInjected;
        long acknowledgedChecked;
        long transactions;
        long recoveries;
        long detected;
        long elapsedNanos;
        final List<Finding> findings = new ArrayList<>();

        /** @return seeds run. */
        public long seeds()
        {
            return seeds;
        }

        /** @return power cuts made. */
        public long powerCuts()
        {
            return powerCuts;
        }

        /** @return faults injected. */
        public long faultsInjected()
        {
            return faultsInjected;
        }

        /** @return acknowledged transactions checked after a cut (each counted at every cut it had to survive). */
        public long acknowledgedChecked()
        {
            return acknowledgedChecked;
        }

        /** @return injected faults that recovery refused, naming the file. */
        public long detected()
        {
            return detected;
        }

        /** @return every finding (at most one per seed: a seed stops at its first). */
        public List<Finding> findings()
        {
            return findings;
        }

        /** @return the JSON summary. */
        public String toJson()
        {
            final Finding first = findings.isEmpty() ? null : findings.get(0);
            return String.format(Locale.ROOT, "{\"seeds\":%d,\"power_cuts\":%d,\"clean_closes\":%d,"
                + "\"faults_injected\":%d,\"faults_detected\":%d,\"recoveries\":%d,\"acknowledged_checked\":%d,"
                + "\"transactions\":%d,\"findings\":%d,\"first_failing_seed\":%s,\"first_finding\":%s,"
                + "\"seconds\":%.3f}", seeds, powerCuts, cleanCloses, faultsInjected, detected, recoveries,
                acknowledgedChecked, transactions, findings.size(), first == null ? "null" : Long.toString(first.seed()),
                first == null ? "null" : quote(first.problem()), elapsedNanos / 1e9);
        }
    }

    private Simulator()
    {
    }

    /**
     * Runs every seed of {@code options}.
     *
     * @param progress receives a line now and then, and one per finding.
     */
    public static Report run(final Options options, final Consumer<String> progress)
    {
        final Report report = new Report();
        final long start = System.nanoTime();
        long lastLine = start;
        for (int i = 0; i < options.seeds(); i++)
        {
            final long seed = options.firstSeed() + i;
            final Finding finding = new SeedRun(seed, options, report).run();
            report.seeds++;
            if (finding != null)
            {
                report.findings.add(finding);
                progress.accept("FINDING seed " + seed + " cut " + finding.cut() + ": " + finding.problem());
            }
            final long now = System.nanoTime();
            if (now - lastLine > 2_000_000_000L || i == options.seeds() - 1)
            {
                lastLine = now;
                progress.accept(String.format(Locale.ROOT, "seeds %d/%d  cuts %d  faults %d (detected %d)  "
                    + "acknowledged checked %d  findings %d  %.1f s", report.seeds, options.seeds(), report.powerCuts,
                    report.faultsInjected, report.detected, report.acknowledgedChecked, report.findings.size(),
                    (now - start) / 1e9));
            }
        }
        report.elapsedNanos = System.nanoTime() - start;
        return report;
    }

    /** Runs one seed; for a regression test that names its seed. @return its finding, or null. */
    public static Finding runSeed(final long seed, final boolean lyingDisk, final boolean faults, final int cuts)
    {
        return new SeedRun(seed, new Options(seed, 1, cuts, lyingDisk, faults), new Report()).run();
    }

    private static String quote(final String s)
    {
        final StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\')
            {
                b.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** A clock only the simulator moves. */
    private static final class ManualClock implements LedgerClock
    {
        final AtomicLong now = new AtomicLong(T0);

        @Override
        public long nanos()
        {
            return now.get();
        }
    }

    /** Thrown inside a seed to end it with a finding. */
    private static final class FindingException extends Exception
    {
        private static final long serialVersionUID = 1L;

        FindingException(final String message)
        {
            super(message, null, false, false);
        }
    }

    /** One seed's lives. */
    private static final class SeedRun
    {
        private final long seed;
        private final Options options;
        private final Report report;
        private final SplittableRandom random;
        private final SplittableRandom fate;
        private final SimDisk disk = new SimDisk();
        private final ManualClock clock = new ManualClock();
        private final PaymentWorkload workload;
        private final PaymentModel model = new PaymentModel(ACCOUNTS, HOLDS, WINDOW);
        /** First id of each submission not yet folded into the model, to its operations. */
        private final TreeMap<Long, List<PaymentModel.Op>> submitted = new TreeMap<>();
        /** Per transaction not yet folded into the model: {result, timestamp, duplicateOf} as the live ledger said. */
        private final TreeMap<Long, long[]> observed = new TreeMap<>();
        /** The model holds the state after this transaction. */
        private long modelAt;
        /** The highest transaction any live ledger reported committed. */
        private long acknowledged;
        /** The files whose durable sectors were corrupted at the last cut. */
        private final List<Path> damaged = new ArrayList<>();
        /**
         * Files damaged at earlier cuts that a recovery got past (a skipped snapshot): the damage stays on the disk,
         * and every later refusal lists such a snapshot ("damaged snapshots skipped: ..."), so a refusal counts as
         * detecting it only when its own cause names the file.
         */
        private final List<Path> damagedEarlier = new ArrayList<>();
        private int cut;

        SeedRun(final long seed, final Options options, final Report report)
        {
            this.seed = seed;
            this.options = options;
            this.report = report;
            final SplittableRandom root = new SplittableRandom(seed);
            this.random = root.split();
            this.fate = root.split();
            this.workload = new PaymentWorkload(root.split(), ACCOUNTS + 2);
            disk.lying(options.lyingDisk());
            disk.trace(Boolean.getBoolean("roda.simTrace"));
        }

        Finding run()
        {
            try
            {
                for (cut = 0; cut < options.cutsPerSeed(); cut++)
                {
                    if (!life())
                    {
                        // the directory was refused for an injected fault: detected (and counted) once, nothing
                        // more to run or check
                        return null;
                    }
                }
                recover(); // the last cut is checked too
                return null;
            }
            catch (final FindingException e)
            {
                if (Boolean.getBoolean("roda.simTrace"))
                {
                    System.err.println("seed " + seed + " cut " + cut + ": " + e.getMessage() + "\n" + disk.describe());
                }
                return new Finding(seed, cut, e.getMessage());
            }
            catch (final RuntimeException | Error e)
            {
                return new Finding(seed, cut, "the simulator's check itself failed: " + e);
            }
        }

        private LedgerConfig config()
        {
            return LedgerConfig.builder(DIR).storage(disk).clock(clock).maxAccounts(ACCOUNTS).maxHolds(HOLDS)
                .idempotencyWindow(WINDOW).maxBatch(16).walSegmentSize(4096 + random.nextInt(3) * 4096)
                .snapshotEveryTx(random.nextInt(3) == 0 ? 0 : 20 + random.nextInt(200)).retainSnapshots(2)
                .resultRetention(1 << 14).submissionRingSize(256).laneSize(64).transactorRingSize(256)
                .journalSize(1024).idleStrategy("backoff").closeTimeout(WAIT).stageStopTimeout(WAIT).build();
        }

        /**
         * Checks the last cut (unless this is the first life), opens the ledger, runs work until the cut, and cuts.
         *
         * @return false when the seed must stop (recovery refused the directory after an injected fault).
         */
        private boolean life() throws FindingException
        {
            if (cut > 0 && !recover())
            {
                return false;
            }
            // the work and the faults at the cut draw from their own streams: how much of a life's work runs
            // before its cut depends on thread timing, and must not shift the choices of the lives after it
            final SplittableRandom workRandom = random.split();
            final SplittableRandom faultRandom = random.split();
            final int armAt = 1 + random.nextInt(random.nextBoolean() ? 40 : 400);
            final int ending = random.nextInt(10); // 0..5 armed cut, 6..7 idle cut, 8 clean close, 9 armed + fault
            final boolean armEarly = random.nextInt(4) == 0;
            String fault = null;
            if (options.faults() && ending == 9)
            {
                final SimDisk.Mutation kind = random.nextBoolean() ? SimDisk.Mutation.WRITE : SimDisk.Mutation.FORCE;
                disk.failMutation(1 + random.nextInt(200), kind);
                fault = "a failed " + kind;
            }
            if (ending <= 5 && armEarly)
            {
                disk.cutAfterMutations(armAt);
            }
            final Ledger ledger;
            try
            {
                ledger = Ledger.open(config());
            }
            catch (final RuntimeException e)
            {
                if (disk.frozen() || (fault != null && mentionsSimulatedFault(e)))
                {
                    report.faultsInjected += fault != null && !disk.frozen() ? 1 : 0;
                    powerCut(faultRandom);
                    return true;
                }
                throw new FindingException("the ledger did not open after a good recovery: " + describe(e));
            }
            if (ending <= 5 && !armEarly)
            {
                disk.cutAfterMutations(armAt);
            }
            if (fault != null)
            {
                report.faultsInjected++;
            }
            final boolean ran = work(ledger, workRandom);
            if (ending == 8 && ran && !disk.frozen())
            {
                try
                {
                    ledger.close();
                    report.cleanCloses++;
                    harvest(ledger, true);
                    disk.freeze();
                    powerCut(faultRandom);
                    return true;
                }
                catch (final RuntimeException e)
                {
                    if (!disk.frozen() && !(fault != null && mentionsSimulatedFault(e)))
                    {
                        throw new FindingException("a clean close failed: " + describe(e));
                    }
                }
            }
            disk.freeze(); // an armed cut that never came, or an idle ledger: cut now
            harvest(ledger, false);
            try
            {
                ledger.close();
            }
            catch (final RuntimeException expected)
            {
                // its disk is gone: a failed stage, reported by close
            }
            acknowledge(ledger.commitIndex()); // final: every stage has stopped
            powerCut(faultRandom);
            return true;
        }

        private void powerCut(final SplittableRandom faultRandom)
        {
            disk.powerCut(fate);
            report.powerCuts++;
            if (options.faults() && faultRandom.nextInt(8) == 0)
            {
                final List<Path> files = readableFiles();
                if (!files.isEmpty())
                {
                    final Path file = files.get(faultRandom.nextInt(files.size()));
                    try
                    {
                        disk.corruptDurableSector(file, faultRandom.nextLong(sizeOf(file)), faultRandom);
                    }
                    catch (final java.io.IOException e)
                    {
                        throw new IllegalStateException("the simulated disk refused its own fault: " + e, e);
                    }
                    damaged.add(file);
                    report.faultsInjected++;
                }
            }
            else if (options.faults() && faultRandom.nextInt(12) == 0)
            {
                final List<Path> files = readableFiles();
                if (!files.isEmpty())
                {
                    final Path file = files.get(faultRandom.nextInt(files.size()));
                    final long from = faultRandom.nextLong(sizeOf(file));
                    disk.failReads(file, from, from + 1 + faultRandom.nextInt(4096));
                    report.faultsInjected++;
                    readFaultFile = file;
                    readFaultFrom = from;
                }
            }
        }

        /** The file a read fault is armed on at this cut (null when none), and where the fault starts. */
        private Path readFaultFile;
        private long readFaultFrom;

        private static boolean mentionsSimulatedFault(final Throwable e)
        {
            for (Throwable t = e; t != null; t = t.getCause())
            {
                if (t.getMessage() != null && t.getMessage().contains("simulated"))
                {
                    return true;
                }
            }
            return false;
        }

        private void acknowledge(final long committed)
        {
            acknowledged = Math.max(acknowledged, committed);
        }

        /**
         * Submits random work in rounds, reading each computed transaction's result; stops at a cut or failure.
         *
         * @return whether every round ran (no cut, no failure).
         */
        private boolean work(final Ledger ledger, final SplittableRandom workRandom) throws FindingException
        {
            final int rounds = 1 + workRandom.nextInt(10);
            long guess = ledger.lastTxId() + 1;
            for (int round = 0; round < rounds; round++)
            {
                final int submissions = 1 + workRandom.nextInt(24);
                long last = 0;
                try
                {
                    for (int s = 0; s < submissions; s++)
                    {
                        final int length = workRandom.nextInt(6) == 0 ? 2 + workRandom.nextInt(4) : 1;
                        final List<PaymentModel.Op> ops = new ArrayList<>();
                        for (int i = 0; i < length; i++)
                        {
                            PaymentModel.Op op = workload.next(guess + i);
                            while (op.type() == PaymentModel.TICK)
                            {
                                op = workload.next(guess + i);
                            }
                            ops.add(op);
                        }
                        final long first = length == 1 ? ledger.submit(toOperation(ops.get(0)))
                            : ledger.submitChain(ops.stream().map(SeedRun::toOperation).toArray(Operation[]::new));
                        submitted.put(first, ops);
                        workload.remember(ops, new int[length], first);
                        guess = first + length;
                        last = first + length - 1;
                        report.transactions += length;
                    }
                    if (workRandom.nextInt(4) == 0)
                    {
                        clock.now.addAndGet(workRandom.nextLong(3_000_000_000L)); // holds expire
                    }
                    final Level level = workRandom.nextInt(3) == 0 ? Level.COMMITTED : Level.COMPUTED;
                    if (!ledger.await(last, level, WAIT))
                    {
                        if (disk.frozen() || ledger.failure() != null)
                        {
                            return false;
                        }
                        throw new FindingException("transaction " + last + " did not reach " + level + " in "
                            + WAIT.toSeconds() + " s on a healthy disk");
                    }
                    if (level == Level.COMMITTED)
                    {
                        acknowledge(last);
                    }
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new FindingException("interrupted");
                }
                catch (final RuntimeException e)
                {
                    if (disk.frozen() || ledger.failure() != null)
                    {
                        return false; // the ledger refuses work once its disk is gone
                    }
                    throw new FindingException("the live ledger failed on a healthy disk: " + describe(e));
                }
            }
            return true;
        }

        /**
         * Records the result, timestamp and duplicate-of of every computed transaction the live ledger holds, and
         * what it acknowledged. Called once the disk is frozen (nothing more can become durable) or after a clean
         * close.
         */
        private void harvest(final Ledger ledger, final boolean closed) throws FindingException
        {
            final long computed = ledger.computeIndex();
            for (long id = modelAt + 1; id <= computed; id++)
            {
                final TransactionStatus status;
                try
                {
                    status = ledger.status(id);
                }
                catch (final RuntimeException e)
                {
                    throw new FindingException("status of computed transaction " + id + " unreadable: " + e);
                }
                if (status.result() == null)
                {
                    throw new FindingException("computed transaction " + id + " has no result in the live ledger");
                }
                observed.put(id, new long[] {status.result().code(), status.timestamp(), status.duplicateOf()});
            }
            acknowledge(ledger.commitIndex());
            if (closed && ledger.commitIndex() < computed)
            {
                throw new FindingException("a clean close left transactions " + (ledger.commitIndex() + 1) + ".."
                    + computed + " uncommitted");
            }
        }

        /**
         * Recovers the directory with the real recovery code and checks it.
         *
         * @return true when it recovered exactly; false when it refused the directory after an injected fault.
         * @throws FindingException when a promise is broken.
         */
        private boolean recover() throws FindingException
        {
            if (acknowledged == 0 && modelAt == 0 && !disk.isDirectory(DIR))
            {
                // the cut came while the first open was creating the directory, before anything was committed:
                // nothing was promised, so the ledger starts again from nothing
                submitted.clear();
                observed.clear();
                report.recoveries++;
                return true;
            }
            final ResultLog results = new ResultLog(1 << 16);
            final Recovery.Recovered recovered;
            try
            {
                report.recoveries++;
                recovered = Recovery.recover(disk, DIR, Recovery.Settings.stored(), results, null);
            }
            catch (final RuntimeException e)
            {
                if (readFaultFile != null && mentions(e, readFaultFile.toString()))
                {
                    // a bad read is reported naming the file; once the sector reads again, recovery must be exact
                    report.detected++;
                    disk.clearReadFaults();
                    readFaultFile = null;
                    return recover();
                }
                if (names(e, damaged, null) || names(e, damagedEarlier, Recovery.DAMAGED_SNAPSHOTS_SKIPPED))
                {
                    report.detected++;
                    return false; // refused, naming the damaged file: what it must do; the seed ends here
                }
                throw new FindingException("recovery refused the directory after "
                    + (readFaultFile != null ? "a read fault " + readFaultFile + " from offset " + readFaultFrom
                        : damaged.isEmpty() ? "a power cut without damage" : "damage to " + damaged + " that it did not name")
                    + ": " + describe(e));
            }
            disk.clearReadFaults();
            readFaultFile = null;
            damagedEarlier.addAll(damaged);
            damaged.clear();
            final long last = recovered.report().lastTxId();
            final long snapshot = recovered.report().snapshotTxId();
            if (last < acknowledged)
            {
                throw new FindingException("acknowledged transactions " + (last + 1) + ".." + acknowledged
                    + " were lost: recovery ended at " + last + " (" + recovered.report() + ")");
            }
            report.acknowledgedChecked += acknowledged;
            // fold the recovered transactions into the model, checking each result the ledger recorded
            long id = modelAt + 1;
            while (id <= last)
            {
                final List<PaymentModel.Op> ops = submitted.containsKey(id) ? submitted.get(id)
                    : List.of(new PaymentModel.Op(PaymentModel.TICK, 0, 0, 0, 0, false, 0, 0));
                final long[] stamps = new long[ops.size()];
                for (int i = 0; i < ops.size(); i++)
                {
                    final long[] seen = observed.get(id + i);
                    if (seen == null)
                    {
                        throw new FindingException("recovery holds transaction " + (id + i) + " (up to " + last
                            + ") that no live ledger computed: an invented transaction");
                    }
                    stamps[i] = seen[1];
                }
                final long[] duplicateOf = new long[ops.size()];
                final int[] expected = model.apply(ops, id, stamps, duplicateOf);
                for (int i = 0; i < ops.size(); i++)
                {
                    final long tx = id + i;
                    final long[] seen = observed.get(tx);
                    if (seen[0] != expected[i] || seen[2] != duplicateOf[i])
                    {
                        throw new FindingException("transaction " + tx + " " + ops.get(i) + ": the ledger said result "
                            + seen[0] + " duplicate-of " + seen[2] + ", the model says " + expected[i] + " / "
                            + duplicateOf[i]);
                    }
                    if (tx > snapshot)
                    {
                        final long[] extra = new long[2];
                        final int code = results.get(tx, extra);
                        if (code != seen[0] || extra[0] != seen[1] || extra[1] != seen[2])
                        {
                            throw new FindingException("transaction " + tx + " was recovered with result " + code
                                + " at " + extra[0] + " duplicate-of " + extra[1] + " but the live ledger reported "
                                + seen[0] + " at " + seen[1] + " duplicate-of " + seen[2]);
                        }
                    }
                }
                id += ops.size();
            }
            if (id != last + 1)
            {
                throw new FindingException("recovery ended at " + last + ", inside the chain that ends at " + (id - 1));
            }
            modelAt = last;
            submitted.headMap(last + 1).clear();
            submitted.tailMap(last + 1).clear(); // never recovered: they did not happen
            observed.clear();
            acknowledged = last; // the recovered history stands from now on: it must survive every later cut
            compareAccounts(recovered);
            return true;
        }

        private void compareAccounts(final Recovery.Recovered recovered) throws FindingException
        {
            final TreeMap<Long, List<BigInteger>> actual = new TreeMap<>();
            recovered.state().forEachAccount((account, balance, dp, cp, overdraft, lastTx) ->
                actual.put(account, List.of(BigInteger.valueOf(balance), BigInteger.valueOf(dp), BigInteger.valueOf(cp),
                    BigInteger.valueOf(overdraft))));
            final TreeMap<Long, List<BigInteger>> expected = model.accounts();
            if (!expected.equals(actual))
            {
                for (final Long account : expected.keySet())
                {
                    if (!expected.get(account).equals(actual.get(account)))
                    {
                        throw new FindingException("after recovery to " + modelAt + " account " + account + " is "
                            + actual.get(account) + " but the model says " + expected.get(account));
                    }
                }
                throw new FindingException("after recovery to " + modelAt + " the ledger has accounts the model does not: "
                    + actual.keySet() + " vs " + expected.keySet());
            }
        }

        private static boolean mentions(final Throwable e, final String text)
        {
            return mentions(e, text, null);
        }

        /** @return whether {@code e} names any of {@code files}, in each message up to {@code stop} (may be null). */
        private static boolean names(final Throwable e, final List<Path> files, final String stop)
        {
            for (final Path file : files)
            {
                if (mentions(e, file.toString(), stop))
                {
                    return true;
                }
            }
            return false;
        }

        /** As {@link #mentions(Throwable, String)}, in each message up to {@code stop} (when it holds it). */
        private static boolean mentions(final Throwable e, final String text, final String stop)
        {
            for (Throwable t = e; t != null; t = t.getCause())
            {
                final String message = t.getMessage();
                final int end = message == null || stop == null || !message.contains(stop) ? -1 : message.indexOf(stop);
                if (message != null && (end < 0 ? message : message.substring(0, end)).contains(text))
                {
                    return true;
                }
            }
            return false;
        }

        /** @return the files recovery may read, where a fault can land: not directories, not LOCK, not empty. */
        private List<Path> readableFiles()
        {
            final List<Path> files = new ArrayList<>();
            for (final Path path : disk.paths())
            {
                if (!disk.isDirectory(path) && !path.getFileName().toString().equals("LOCK") && sizeOf(path) > 0)
                {
                    files.add(path);
                }
            }
            return files;
        }

        private long sizeOf(final Path file)
        {
            try
            {
                return disk.size(file);
            }
            catch (final java.io.IOException e)
            {
                throw new IllegalStateException("the simulated disk cannot size its own file " + file + ": " + e, e);
            }
        }

        private static String describe(final Throwable e)
        {
            final StringBuilder b = new StringBuilder(String.valueOf(e));
            for (Throwable t = e.getCause(); t != null && b.length() < 2000; t = t.getCause())
            {
                b.append(" <- ").append(t);
            }
            return b.toString();
        }

        static Operation toOperation(final PaymentModel.Op op)
        {
            return new Operation(OpType.fromCode(op.type()), op.a(), op.b(), op.amount(), op.timeout(), op.keyed(),
                op.keyHi(), op.keyLo());
        }
    }
}
