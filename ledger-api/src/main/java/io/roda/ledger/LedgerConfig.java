package io.roda.ledger;

import java.nio.file.Path;
import java.util.Objects;

import io.roda.common.AgentRunner;
import io.roda.common.IdleStrategy;
import io.roda.storage.Storage;

/**
 * Everything a ledger can be tuned by, with defaults that work; validated once, in {@link Builder#build()}.
 * Create with {@link #builder(Path)}.
 */
public final class LedgerConfig
{
    /** The most accounts a ledger can hold. */
    public static final long MAX_ACCOUNTS = 1 << 28;
    /** The longest linked chain any ledger replays; a ledger accepts chains up to {@link #maxChain()}. */
    public static final int MAX_CHAIN = 4096;
    /** The largest {@link Builder#maxHolds} and {@link Builder#idempotencyWindow}. */
    public static final int MAX_REMEMBERED = 1 << 28;

    private final Path directory;
    private final long maxAccounts;
    private final boolean maxAccountsSpecified;
    private final int submissionRingSize;
    private final int laneSize;
    private final int transactorRingSize;
    private final int journalSize;
    private final int maxBatch;
    private final long walSegmentSize;
    private final long walForceIntervalMicros;
    private final long snapshotEveryTx;
    private final int retainSnapshots;
    private final int resultRetention;
    private final int maxHolds;
    private final boolean maxHoldsSpecified;
    private final int idempotencyWindow;
    private final boolean idempotencyWindowSpecified;
    private final io.roda.core.LedgerClock clock;
    private final String idleStrategy;
    private final AgentRunner.Pinning pinning;
    private final boolean snapshotOnClose;
    private final java.time.Duration closeTimeout;
    private final java.time.Duration stageStopTimeout;
    private final Storage storage;
    private final boolean feed;
    private final String feedRollCycle;
    private final java.time.Duration feedRetention;

    private LedgerConfig(final Builder b)
    {
        directory = b.directory;
        maxAccounts = b.maxAccounts;
        maxAccountsSpecified = b.maxAccountsSpecified;
        submissionRingSize = b.submissionRingSize;
        laneSize = b.laneSize;
        transactorRingSize = b.transactorRingSize;
        journalSize = b.journalSize;
        maxBatch = b.maxBatch;
        walSegmentSize = b.walSegmentSize;
        walForceIntervalMicros = b.walForceIntervalMicros;
        snapshotEveryTx = b.snapshotEveryTx;
        retainSnapshots = b.retainSnapshots;
        resultRetention = b.resultRetention;
        maxHolds = b.maxHolds;
        maxHoldsSpecified = b.maxHoldsSpecified;
        idempotencyWindow = b.idempotencyWindow;
        idempotencyWindowSpecified = b.idempotencyWindowSpecified;
        clock = b.clock;
        idleStrategy = b.idleStrategy;
        pinning = b.pinning;
        snapshotOnClose = b.snapshotOnClose;
        closeTimeout = b.closeTimeout;
        stageStopTimeout = b.stageStopTimeout;
        storage = b.storage;
        feed = b.feed;
        feedRollCycle = b.feedRollCycle;
        feedRetention = b.feedRetention;
    }

    /** @return whether the committed-transaction feed is on (docs/FEED.md). */
    public boolean feed()
    {
        return feed;
    }

    /** @return the feed queue's roll cycle. */
    public String feedRollCycle()
    {
        return feedRollCycle;
    }

    /** @return the age after which the feed's roll cycles are deleted; zero keeps them all. */
    public java.time.Duration feedRetention()
    {
        return feedRetention;
    }

    /**
     * @param directory where the ledger keeps {@code wal/} and {@code snapshots/}; created if absent.
     * @return a builder with every default set.
     */
    public static Builder builder(final Path directory)
    {
        return new Builder(Objects.requireNonNull(directory, "directory"));
    }

    /** @return the ledger directory. */
    public Path directory()
    {
        return directory;
    }

    /** @return most accounts, the system account excluded. */
    public long maxAccounts()
    {
        return maxAccounts;
    }

    /**
     * @return whether {@link Builder#maxAccounts(long)} was called; when not, an existing ledger adopts the
     *     value stored in its {@code LEDGER} file, and a new one stores the default.
     */
    public boolean maxAccountsSpecified()
    {
        return maxAccountsSpecified;
    }

    /** @return this configuration with the settings stored with the data. */
    LedgerConfig withStored(final long storedMaxAccounts, final int storedMaxHolds, final int storedWindow)
    {
        if (storedMaxAccounts == maxAccounts && storedMaxHolds == maxHolds && storedWindow == idempotencyWindow)
        {
            return this;
        }
        final Builder b = new Builder(directory);
        b.maxAccounts = storedMaxAccounts;
        b.maxAccountsSpecified = true;
        b.maxHolds = storedMaxHolds;
        b.maxHoldsSpecified = true;
        b.idempotencyWindow = storedWindow;
        b.idempotencyWindowSpecified = true;
        b.clock = clock;
        b.stageStopTimeout = stageStopTimeout;
        b.submissionRingSize = submissionRingSize;
        b.laneSize = laneSize;
        b.transactorRingSize = transactorRingSize;
        b.journalSize = journalSize;
        b.maxBatch = maxBatch;
        b.walSegmentSize = walSegmentSize;
        b.walForceIntervalMicros = walForceIntervalMicros;
        b.snapshotEveryTx = snapshotEveryTx;
        b.retainSnapshots = retainSnapshots;
        b.resultRetention = resultRetention;
        b.idleStrategy = idleStrategy;
        b.pinning = pinning;
        b.snapshotOnClose = snapshotOnClose;
        b.closeTimeout = closeTimeout;
        b.storage = storage;
        b.feed = feed;
        b.feedRollCycle = feedRollCycle;
        b.feedRetention = feedRetention;
        return new LedgerConfig(b);
    }

    /** @return holds remembered (active ones, plus the most recently finished while room). */
    public int maxHolds()
    {
        return maxHolds;
    }

    /** @return whether {@link Builder#maxHolds} was called (else an existing ledger adopts its stored value). */
    public boolean maxHoldsSpecified()
    {
        return maxHoldsSpecified;
    }

    /** @return consumed idempotency keys remembered. */
    public int idempotencyWindow()
    {
        return idempotencyWindow;
    }

    /** @return whether {@link Builder#idempotencyWindow} was called (else an existing ledger adopts its stored value). */
    public boolean idempotencyWindowSpecified()
    {
        return idempotencyWindowSpecified;
    }

    /** @return the ledger clock. */
    public io.roda.core.LedgerClock clock()
    {
        return clock;
    }

    /**
     * @return the most operations one linked chain may have: {@link #MAX_CHAIN}, or less when the lane, a
     *     ring, the journal, or a WAL segment (which must hold a frame of maxBatch records plus a chain) is
     *     smaller.
     */
    public int maxChain()
    {
        final long bySegment = (walSegmentSize - 96) / 56 - maxBatch;
        return (int)Math.min(Math.min(Math.min(MAX_CHAIN, laneSize), Math.min(Math.min(submissionRingSize,
            transactorRingSize), journalSize)), bySegment);
    }

    /** @return the limits of the ledger state this configuration builds. */
    public io.roda.core.LedgerState.Limits limits()
    {
        return new io.roda.core.LedgerState.Limits(maxAccounts, maxHolds, idempotencyWindow, MAX_CHAIN);
    }

    /** @return positions of the multi-producer ingestion ring. */
    public int submissionRingSize()
    {
        return submissionRingSize;
    }

    /** @return operations one submitting thread may stage. */
    public int laneSize()
    {
        return laneSize;
    }

    /** @return slots of the sequencer-to-transactor Disruptor ring. */
    public int transactorRingSize()
    {
        return transactorRingSize;
    }

    /** @return records of the transaction journal ring. */
    public int journalSize()
    {
        return journalSize;
    }

    /** @return most transactions a stage handles per turn, and per WAL frame. */
    public int maxBatch()
    {
        return maxBatch;
    }

    /** @return bytes per WAL segment file. */
    public long walSegmentSize()
    {
        return walSegmentSize;
    }

    /** @return least microseconds between two WAL forces (commit pacing; 0 = none). */
    public long walForceIntervalMicros()
    {
        return walForceIntervalMicros;
    }

    /** @return committed transactions between periodic snapshots (0 = only on close). */
    public long snapshotEveryTx()
    {
        return snapshotEveryTx;
    }

    /** @return snapshots kept on disk. */
    public int retainSnapshots()
    {
        return retainSnapshots;
    }

    /** @return most recent transaction results kept for status queries. */
    public int resultRetention()
    {
        return resultRetention;
    }

    /** @return a new idle strategy instance of the configured kind. */
    public IdleStrategy newIdleStrategy()
    {
        return IdleStrategy.parse(idleStrategy);
    }

    /** @return the idle strategy's name. */
    public String idleStrategy()
    {
        return idleStrategy;
    }

    /** @return whether stage threads are pinned. */
    public AgentRunner.Pinning pinning()
    {
        return pinning;
    }

    /** @return whether close() writes a final snapshot. */
    public boolean snapshotOnClose()
    {
        return snapshotOnClose;
    }

    /**
     * @return the storage every durable file goes through: WAL segments, snapshots, {@code LEDGER}, {@code LOCK}
     *         (the real file system unless the simulator or a fault-injection test supplies another).
     */
    public Storage storage()
    {
        return storage;
    }

    /**
     * @return how long {@link Ledger#close()} waits for the pipeline to drain (commit, and the final snapshot)
     *     before it gives up and stops the stages anyway.
     */
    public java.time.Duration closeTimeout()
    {
        return closeTimeout;
    }

    /**
     * @return how long {@link Ledger#close()} gives each stage to finish its current batch and stop; a stage
     *     still running then is interrupted and gets as long again, and one that outlives that is reported.
     */
    public java.time.Duration stageStopTimeout()
    {
        return stageStopTimeout;
    }

    /** Builds a {@link LedgerConfig}. Every setter validates its argument and names it when it is bad. */
    public static final class Builder
    {
        private final Path directory;
        private long maxAccounts = 1 << 20;
        private boolean maxAccountsSpecified;
        private int submissionRingSize = 1 << 16;
        private int laneSize = 1 << 12;
        private int transactorRingSize = 1 << 16;
        private int journalSize = 1 << 19;
        private int maxBatch = 1 << 15;
        private long walSegmentSize = 64L << 20;
        private long walForceIntervalMicros = 0;
        private long snapshotEveryTx = 5_000_000;
        private int retainSnapshots = 2;
        private int resultRetention = 1 << 20;
        private int maxHolds = 1 << 20;
        private boolean maxHoldsSpecified;
        private int idempotencyWindow = 1 << 20;
        private boolean idempotencyWindowSpecified;
        private io.roda.core.LedgerClock clock = io.roda.core.LedgerClock.system();
        private String idleStrategy = "backoff";
        private AgentRunner.Pinning pinning = AgentRunner.Pinning.BEST_EFFORT;
        private boolean snapshotOnClose = true;
        private java.time.Duration closeTimeout = java.time.Duration.ofSeconds(60);
        private java.time.Duration stageStopTimeout = java.time.Duration.ofSeconds(10);
        private Storage storage = Storage.FILES;
        private boolean feed;
        private String feedRollCycle = "FAST_DAILY";
        private java.time.Duration feedRetention = java.time.Duration.ZERO;

        private Builder(final Path directory)
        {
            this.directory = directory;
        }

        /**
         * Most accounts (default 1,048,576; stored in {@code DIR/LEDGER} when the ledger is created: reopening
         * with another value is refused, leaving it unset adopts the stored one). Memory: about 56 bytes per account, twice
         * (transactor + snapshotter).
         */
        public Builder maxAccounts(final long value)
        {
            maxAccounts = range("maxAccounts", value, 1, MAX_ACCOUNTS);
            maxAccountsSpecified = true;
            return this;
        }

        /** Ingestion ring positions, a power of two (default 65,536). */
        public Builder submissionRingSize(final int value)
        {
            submissionRingSize = powerOfTwo("submissionRingSize", value, 2, 1 << 24);
            return this;
        }

        /**
         * Per-submitter staging slots, a power of two up to 4096 (default 4096); a linked chain must fit in one
         * lane, so it also bounds {@link LedgerConfig#maxChain()}.
         */
        public Builder laneSize(final int value)
        {
            laneSize = powerOfTwo("laneSize", value, 1, 4096);
            return this;
        }

        /** Sequencer-to-transactor ring slots, a power of two (default 65,536). */
        public Builder transactorRingSize(final int value)
        {
            transactorRingSize = powerOfTwo("transactorRingSize", value, 2, 1 << 24);
            return this;
        }

        /** Transaction journal records (64 bytes each; default 524,288 = 32 MiB). */
        public Builder journalSize(final int value)
        {
            journalSize = (int)range("journalSize", value, 2, 1 << 24);
            return this;
        }

        /** Most transactions per stage turn and per WAL frame (default 32,768). */
        public Builder maxBatch(final int value)
        {
            maxBatch = (int)range("maxBatch", value, 1, 1 << 20);
            return this;
        }

        /** Bytes per WAL segment (default 64 MiB). */
        public Builder walSegmentSize(final long value)
        {
            walSegmentSize = range("walSegmentSize", value, 4096, 1L << 30);
            return this;
        }

        /**
         * Least microseconds between two WAL forces (default 0: force as soon as the previous one returns).
         * A few hundred microseconds cut the number of forces per second on a busy ledger, at the price of
         * at most that much commit latency; see docs/PERFORMANCE.md.
         */
        public Builder walForceIntervalMicros(final long value)
        {
            walForceIntervalMicros = range("walForceIntervalMicros", value, 0, 1_000_000);
            return this;
        }

        /** Committed transactions between snapshots (default 5,000,000; 0 = only on close). */
        public Builder snapshotEveryTx(final long value)
        {
            snapshotEveryTx = range("snapshotEveryTx", value, 0, Long.MAX_VALUE);
            return this;
        }

        /**
         * Snapshots kept (default 2, at least 2): with one, a single damaged snapshot would be the only copy of
         * the history the deleted WAL held.
         */
        public Builder retainSnapshots(final int value)
        {
            retainSnapshots = (int)range("retainSnapshots", value, 2, 1000);
            return this;
        }

        /**
         * Recent results kept for status queries, a power of two (default 1,048,576). Memory: 17 bytes per
         * result (code, timestamp, and the original transaction of a DUPLICATE).
         */
        public Builder resultRetention(final int value)
        {
            resultRetention = powerOfTwo("resultRetention", value, 1, 1 << 30);
            return this;
        }

        /**
         * Holds remembered (default 1,048,576; stored in {@code DIR/LEDGER} like maxAccounts). Every active hold
         * is kept; a new hold beyond this many active ones gets CAPACITY_EXCEEDED. Finished holds (posted, voided,
         * expired) are kept while room remains, the oldest forgotten first; a post or void naming a forgotten
         * one gets HOLD_NOT_FOUND. Memory: about 65 bytes per hold, twice (transactor + snapshotter), allocated
         * as holds arrive.
         */
        public Builder maxHolds(final int value)
        {
            maxHolds = (int)range("maxHolds", value, 1, MAX_REMEMBERED);
            maxHoldsSpecified = true;
            return this;
        }

        /**
         * Consumed idempotency keys remembered: the most recent this many (default 1,048,576; stored in
         * {@code DIR/LEDGER} like maxAccounts). Memory: about 72 bytes per key, twice (transactor +
         * snapshotter), allocated as keys arrive.
         */
        public Builder idempotencyWindow(final int value)
        {
            idempotencyWindow = (int)range("idempotencyWindow", value, 1, MAX_REMEMBERED);
            idempotencyWindowSpecified = true;
            return this;
        }

        /** Where ledger time comes from (default: the system clock); tests pass one they control. */
        public Builder clock(final io.roda.core.LedgerClock value)
        {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** {@code busy-spin}, {@code yield}, {@code backoff} (default) or {@code sleep}. */
        public Builder idleStrategy(final String value)
        {
            IdleStrategy.parse(value);
            idleStrategy = value;
            return this;
        }

        /** Whether to pin stage threads (default BEST_EFFORT). */
        public Builder pinning(final AgentRunner.Pinning value)
        {
            pinning = Objects.requireNonNull(value, "pinning");
            return this;
        }

        /** Whether close() writes a final snapshot (default true). */
        public Builder snapshotOnClose(final boolean value)
        {
            snapshotOnClose = value;
            return this;
        }

        /** How long close() waits for the drain before giving up (default 60 s; 1 ms .. 24 h). */
        public Builder closeTimeout(final java.time.Duration value)
        {
            Objects.requireNonNull(value, "closeTimeout");
            if (value.compareTo(java.time.Duration.ofMillis(1)) < 0 || value.compareTo(java.time.Duration.ofHours(24)) > 0)
            {
                throw new IllegalArgumentException("closeTimeout must be in 1 ms .. 24 h, was " + value);
            }
            closeTimeout = value;
            return this;
        }

        /**
         * How long close() gives each stage to stop before interrupting it, and again after (default 10 s;
         * 1 ms .. 1 h). Independent of {@link #closeTimeout}: a short drain bound never interrupts a healthy
         * stage unless this one is short too.
         */
        public Builder stageStopTimeout(final java.time.Duration value)
        {
            Objects.requireNonNull(value, "stageStopTimeout");
            if (value.compareTo(java.time.Duration.ofMillis(1)) < 0 || value.compareTo(java.time.Duration.ofHours(1)) > 0)
            {
                throw new IllegalArgumentException("stageStopTimeout must be in 1 ms .. 1 h, was " + value);
            }
            stageStopTimeout = value;
            return this;
        }

        /**
         * Turns the committed-transaction feed on (default off): a fifth stage appends every committed
         * transaction to a Chronicle Queue in {@code DIR/feed}. Needs {@code roda-feed} on the class path and the
         * JVM flags that {@code io.roda.feed.ChronicleFlags} lists (docs/FEED.md).
         */
        public Builder feed(final boolean value)
        {
            feed = value;
            return this;
        }

        /**
         * The feed queue's roll cycle: FAST_DAILY (default), FAST_HOURLY, TEN_MINUTELY or FIVE_MINUTELY. Fixed when
         * the feed is created: an existing feed keeps the cycle it was created with.
         */
        public Builder feedRollCycle(final String value)
        {
            Objects.requireNonNull(value, "feedRollCycle");
            final java.util.List<String> allowed = java.util.List.of("FAST_DAILY", "FAST_HOURLY", "TEN_MINUTELY",
                "FIVE_MINUTELY");
            final String upper = value.toUpperCase(java.util.Locale.ROOT);
            if (!allowed.contains(upper))
            {
                throw new IllegalArgumentException("feedRollCycle must be one of " + allowed + ", was " + value);
            }
            feedRollCycle = upper;
            return this;
        }

        /**
         * Deletes the feed's roll cycles that ended longer ago than this (default zero: keep every cycle). The
         * newest cycle is never deleted; account history covers only what the feed still holds.
         */
        public Builder feedRetention(final java.time.Duration value)
        {
            Objects.requireNonNull(value, "feedRetention");
            if (value.isNegative())
            {
                throw new IllegalArgumentException("feedRetention must be zero (keep all) or positive, was " + value);
            }
            feedRetention = value;
            return this;
        }

        /**
         * The storage every durable file goes through; default {@link Storage#FILES}. The simulator's disk and
         * fault-injection tests supply their own. The feed needs the real file system (Chronicle maps its files).
         */
        public Builder storage(final Storage value)
        {
            storage = Objects.requireNonNull(value, "storage");
            return this;
        }

        /** @return the validated configuration. */
        public LedgerConfig build()
        {
            final long minSegment = 64 + 32 + 8 + 56L * ((long)maxBatch + 1);
            if (walSegmentSize < minSegment)
            {
                throw new IllegalArgumentException("walSegmentSize " + walSegmentSize + " cannot hold one frame of maxBatch "
                    + maxBatch + " transactions; need at least " + minSegment);
            }
            if (feed && !storage.real())
            {
                throw new IllegalArgumentException("the feed needs the real file system (Chronicle Queue maps its "
                    + "files), but storage is " + storage + ": turn the feed off or use Storage.FILES");
            }
            return new LedgerConfig(this);
        }

        private static long range(final String name, final long value, final long min, final long max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + value);
            }
            return value;
        }

        private static int powerOfTwo(final String name, final int value, final int min, final int max)
        {
            if (value < min || value > max || Integer.bitCount(value) != 1)
            {
                throw new IllegalArgumentException(name + " must be a power of two in " + min + ".." + max
                    + ", was " + value);
            }
            return value;
        }
    }
}
