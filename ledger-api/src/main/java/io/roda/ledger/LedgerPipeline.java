package io.roda.ledger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;

import io.roda.common.AgentRunner;
import io.roda.common.ProgressIndex;
import io.roda.common.StageCounters;
import io.roda.common.StageStats;
import io.roda.common.TxEvent;
import io.roda.core.TxJournalDescriptor;
import io.roda.common.Waker;
import io.roda.sequencer.SequencerAgent;
import io.roda.sequencer.SubmissionRing;
import io.roda.snapshotter.SnapshotterAgent;
import io.roda.store.JournalStore;
import io.roda.core.LedgerState;
import io.roda.core.StateImage;
import io.roda.transactor.ResultLog;
import io.roda.transactor.TransactorAgent;
import io.roda.wal.WalReader;
import io.roda.wal.WalStorerAgent;
import io.roda.wal.WalWriter;

/**
 * The one place the pipeline is wired. Every arrow is a bounded, pre-allocated ring that pushes back:
 *
 * <pre>
 *  submitting threads
 *        │  one CAS claims + publishes (SubmissionRing: per-thread lanes, no half-published slots)
 *        ▼
 *  ┌───────────┐  Disruptor RingBuffer&lt;TxEvent&gt;  ┌────────────┐  JournalStore (RING, 64 B records, gated by the WAL)
 *  │ sequencer ├──────────────────────────────────▶│ transactor ├──────────────┐
 *  └───────────┘   single producer, batch publish   └──┬─────┬───┘              ▼
 *                                                      │     │ StateImage  ┌─────────┐  commit   ┌─────────────┐
 *                                        compute index │     └─────────────┼─────────┼──index───▶│ snapshotter │
 *                                       LedgerState ◀──┘  (sync on request,│   wal   │           └──────┬──────┘
 *                         (DirectIndex + SlotStore,        between batches)└────┬────┘                  │ snapshot index
 *                          read by any thread)                  write+force     │ (group commit)        │
 *                                                                         DIR/wal/*.wal           DIR/snapshots/*.snap
 * </pre>
 *
 * The journal's slots are reused only after the WAL storer has read them. The snapshotter reads no journal: the
 * transactor syncs its copy of the state between two batches when it asks (StateImage).
 */
final class LedgerPipeline
{
    final SubmissionRing submissions;
    final LedgerState state;
    final ResultLog results;
    final ProgressIndex computeIndex;
    final ProgressIndex commitIndex;
    final ProgressIndex snapshotIndex;
    /** The last transaction the feed holds; null when the feed is off. */
    final ProgressIndex feedIndex;
    final long firstResultTxId;
    private final SnapshotterAgent snapshotter;
    final Waker sequencerWaker = new Waker();
    private final Waker transactorWaker = new Waker();
    private final Waker walWaker = new Waker();
    private final Waker snapshotterWaker = new Waker();
    private final StageCounters sequencerCounters = new StageCounters("sequencer");
    private final StageCounters transactorCounters = new StageCounters("transactor");
    private final StageCounters walCounters = new StageCounters("wal");
    private final StageCounters snapshotterCounters = new StageCounters("snapshotter");
    private final StageCounters feedCounters = new StageCounters("feed");
    private final AtomicReference<Throwable> feedFailure = new AtomicReference<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean failed;

    LedgerPipeline(final LedgerConfig config, final Recovery.Recovered recovered, final ResultLog results) throws IOException
    {
        final RecoveryReport report = recovered.report();
        final long lastTxId = report.lastTxId();
        this.state = recovered.state();
        this.results = results;
        this.firstResultTxId = report.snapshotTxId() + 1;
        this.computeIndex = new ProgressIndex(lastTxId);
        this.commitIndex = new ProgressIndex(lastTxId);
        this.snapshotIndex = new ProgressIndex(report.snapshotTxId());
        this.submissions = new SubmissionRing(config.submissionRingSize(), config.laneSize(), lastTxId + 1);

        final RingBuffer<TxEvent> toTransactor = RingBuffer.createSingleProducer(TxEvent::new,
            config.transactorRingSize(), new YieldingWaitStrategy());
        final Sequence transactorSequence = new Sequence(-1);
        toTransactor.addGatingSequences(transactorSequence);

        final JournalStore journal = JournalStore.anonymous("transaction journal", TxJournalDescriptor.LENGTH,
            config.journalSize(), JournalStore.Mode.RING);
        final ProgressIndex walConsumed = new ProgressIndex(0);
        journal.gate(walConsumed::get); // the WAL storer is the journal's only reader

        final java.nio.file.Path dir = config.directory();
        final WalWriter writer = new WalWriter(Recovery.walDirectory(dir), config.walSegmentSize(),
            config.maxBatch() + config.maxChain(), config.storage(),
            (committed, newestSegment) -> LedgerFile.raise(config.storage(), dir, committed, newestSegment));
        final WalReader.ScanResult wal = recovered.wal();
        if (wal.tailSegment() != null)
        {
            if (wal.tailEnd() < 0)
            {
                config.storage().delete(wal.tailSegment()); // its header never became durable: it holds nothing
            }
            else
            {
                writer.resume(wal.tailSegment(), wal.tailFirstTxId(), wal.tailEnd(), wal.tailDirtyEnd());
            }
        }

        io.roda.common.Agent feed = null;
        try
        {
            this.feedIndex = config.feed() ? new ProgressIndex(0) : null;
            if (config.feed())
            {
                feed = feedAgent(config, state.limits());
            }
            // the snapshotter's copy of the state, exact from the start; the transactor syncs it on request
            final StateImage image = new StateImage(state, new LedgerState(state.limits()));
            this.snapshotter = new SnapshotterAgent(new SnapshotterAgent.Context()
                .image(image, transactorWaker)
                .commitIndex(commitIndex)
                .snapshotIndex(snapshotIndex)
                .newestSnapshotTxId(report.snapshotTxId())
                .directory(Recovery.snapshotDirectory(dir))
                .storage(config.storage())
                .everyTx(config.snapshotEveryTx())
                .retention(new WalRetention(config.storage(), Recovery.walDirectory(dir), Recovery.snapshotDirectory(dir),
                    config.retainSnapshots(), feedIndex == null ? null : feedIndex::get))
                .counters(snapshotterCounters));
            final ProgressIndex nextExpiry = new ProgressIndex(state.nextExpiry());

            // start order = pinning priority: the transactor gets the first free core
            runners.add(runner(config, new TransactorAgent(new TransactorAgent.Context()
                .fromSequencer(toTransactor)
                .consumed(transactorSequence)
                .state(state)
                .journal(journal)
                .results(results)
                .computeIndex(computeIndex)
                .maxBatch(config.maxBatch())
                .walWaker(walWaker)
                .clock(config.clock())
                .nextExpiry(nextExpiry)
                .image(image, snapshotterWaker)
                .counters(transactorCounters)), transactorWaker, transactorCounters));
            runners.add(runner(config, new WalStorerAgent(new WalStorerAgent.Context()
                .journal(journal.reader())
                .writer(writer)
                .commitIndex(commitIndex)
                .consumed(walConsumed)
                .snapshotterWaker(snapshotterWaker)
                .minForceIntervalNanos(config.walForceIntervalMicros() * 1000)
                .maxBatch(config.maxBatch())
                .counters(walCounters)), walWaker, walCounters));
            runners.add(runner(config, new SequencerAgent(new SequencerAgent.Context()
                .submissions(submissions)
                .toTransactor(toTransactor)
                .maxBatch(config.maxBatch())
                .transactorWaker(transactorWaker)
                .nextExpiry(nextExpiry)
                .clock(config.clock())
                .counters(sequencerCounters)), sequencerWaker, sequencerCounters));
            runners.add(runner(config, snapshotter, snapshotterWaker, snapshotterCounters));
            if (feed != null)
            {
                runners.add(runner(config, feed, new Waker(), feedCounters)); // last: it stops after the WAL
            }
        }
        catch (final IOException | RuntimeException e)
        {
            if (feed != null)
            {
                feed.onClose();
            }
            try
            {
                writer.close(); // releases the WAL segment's lock: a failed open must not keep the directory busy
            }
            catch (final IOException suppressed)
            {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private io.roda.common.Agent feedAgent(final LedgerConfig config, final LedgerState.Limits limits) throws IOException
    {
        try
        {
            return FeedWiring.agent(config, limits, commitIndex, feedIndex, error ->
            {
                feedFailure.compareAndSet(null, error);
                System.getLogger(LedgerPipeline.class.getName()).log(System.Logger.Level.ERROR,
                    "the feed stopped; the ledger runs on and the next open catches the feed up: " + error, error);
            });
        }
        catch (final NoClassDefFoundError e)
        {
            throw new IllegalStateException("the feed is on but roda-feed (and Chronicle Queue) is not on the class "
                + "path: add the io.roda.ledger:roda-feed dependency (docs/FEED.md)", e);
        }
    }

    /** @return why the feed stopped, or null while it runs (or is off). */
    Throwable feedFailure()
    {
        return feedFailure.get();
    }

    private AgentRunner runner(final LedgerConfig config, final io.roda.common.Agent agent, final Waker waker,
        final StageCounters counters)
    {
        return new AgentRunner(agent, config.newIdleStrategy(), config.pinning(), this::fail, waker, counters);
    }

    /** @return each stage's counters now, in pipeline order: sequencer, transactor, wal, snapshotter (then feed). */
    List<StageStats> stageStats()
    {
        return feedIndex == null
            ? List.of(sequencerCounters.stats(), transactorCounters.stats(), walCounters.stats(),
                snapshotterCounters.stats())
            : List.of(sequencerCounters.stats(), transactorCounters.stats(), walCounters.stats(),
                snapshotterCounters.stats(), feedCounters.stats());
    }

    /** @return the counters now of one stage: 0 sequencer, 1 transactor, 2 wal, 3 snapshotter. */
    StageStats stageStats(final int stage)
    {
        switch (stage)
        {
            case 0: return sequencerCounters.stats();
            case 1: return transactorCounters.stats();
            case 2: return walCounters.stats();
            case 3: return snapshotterCounters.stats();
            default: throw new IllegalArgumentException("no stage " + stage);
        }
    }

    void start()
    {
        for (final AgentRunner runner : runners)
        {
            runner.start();
            while (runner.cpu() == Integer.MIN_VALUE && runner.isAlive())
            {
                Thread.onSpinWait(); // let each stage take its core before the next one asks
            }
        }
    }

    private void fail(final Throwable error)
    {
        failure.compareAndSet(null, error);
        failed = true;
        submissions.close(0); // refuse new work at once; a dead stage may never make room to seal the ring
    }

    boolean failed()
    {
        return failed;
    }

    Throwable failure()
    {
        return failure.get();
    }

    /** @return where each stage runs, e.g. {@code transactor: cpu 1}. */
    List<String> placement()
    {
        final List<String> placement = new ArrayList<>();
        for (final AgentRunner runner : runners)
        {
            placement.add(runner.placement());
        }
        return placement;
    }

    ProgressIndex index(final Level level)
    {
        switch (level)
        {
            case COMPUTED: return computeIndex;
            case COMMITTED: return commitIndex;
            case SNAPSHOTTED: return snapshotIndex;
            default: throw new IllegalArgumentException("unknown level " + level);
        }
    }

    /** Asks for a snapshot of everything committed up to {@code txId}. */
    void requestSnapshot(final long txId)
    {
        snapshotter.requestSnapshot(txId);
        snapshotterWaker.wake();
    }

    /**
     * Waits until {@code index} reaches {@code txId}, a stage fails, or the deadline passes.
     *
     * @return true when the index reached {@code txId}.
     */
    boolean awaitUntil(final ProgressIndex index, final long txId, final long deadlineNanos)
    {
        int idle = 0;
        while (index.get() < txId)
        {
            if (failed || System.nanoTime() - deadlineNanos >= 0)
            {
                return index.get() >= txId;
            }
            idle = Ledger.backOff(idle);
        }
        return true;
    }

    /**
     * Stops every stage, each within a bound (see {@link AgentRunner#close(long)}).
     *
     * @return the stages that did not stop, each as an exception carrying its stack; empty when all stopped.
     */
    List<IllegalStateException> stop(final long timeoutNanos)
    {
        final List<IllegalStateException> stuck = new ArrayList<>();
        for (final AgentRunner runner : runners)
        {
            try
            {
                runner.close(timeoutNanos);
            }
            catch (final IllegalStateException e)
            {
                stuck.add(e);
            }
        }
        return stuck;
    }
}
