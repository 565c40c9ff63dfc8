package io.roda.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;

import io.roda.core.OpType;
import io.roda.common.TxEvent;
import io.roda.sequencer.SubmissionRing;
import io.roda.core.LedgerState;
import io.roda.storage.Storage;
import io.roda.wal.WalWriter;

/**
 * Each stage's work per transaction, in isolation and on one thread, plus the rings that link them
 * (and JCTools as the baseline ring). Run with {@code -prof gc}: the hot paths allocate nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StageBenchmark
{
    private static final int ACCOUNTS = 10_000;
    private static final int BATCH = 1024;

    private LedgerState state;
    private long txId;
    private final SplittableRandom random = new SplittableRandom(1);
    private final long[] from = new long[4096];
    private final long[] to = new long[4096];
    private int next;

    private SubmissionRing submissions;
    private final SubmissionRing.Sink sink = (id, data, at) -> txId = id;
    private long now = 1_700_000_000_000_000_000L;

    private RingBuffer<TxEvent> disruptor;
    private Sequence consumed;

    private SpscArrayQueue<TxEvent> jctools;
    private final TxEvent event = new TxEvent();

    private Path walDir;
    private WalWriter wal;

    @Setup(Level.Trial)
    public void setup() throws Exception
    {
        state = new LedgerState(ACCOUNTS);
        for (long a = 1; a <= ACCOUNTS; a++)
        {
            state.applyOne(++txId, ++now, OpType.OPEN_CODE, a, 0, 0, 0, false, 0, 0);
            state.applyOne(++txId, ++now, OpType.DEPOSIT_CODE, a, 0, Long.MAX_VALUE / (4 * ACCOUNTS), 0, false, 0, 0);
        }
        for (int i = 0; i < from.length; i++)
        {
            from[i] = 1 + random.nextInt(ACCOUNTS);
            long t = 1 + random.nextInt(ACCOUNTS);
            while (t == from[i])
            {
                t = 1 + random.nextInt(ACCOUNTS);
            }
            to[i] = t;
        }
        submissions = new SubmissionRing(1 << 16, 1024, 1);
        disruptor = RingBuffer.createSingleProducer(TxEvent::new, 1 << 16, new YieldingWaitStrategy());
        consumed = new Sequence(-1);
        disruptor.addGatingSequences(consumed);
        jctools = new SpscArrayQueue<>(1 << 16);
        walDir = Files.createTempDirectory("roda-jmh-wal");
        wal = new WalWriter(walDir, 1L << 30, BATCH, Storage.FILES);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        wal.close();
        try (var files = Files.list(walDir))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                Files.delete(f);
            }
        }
        Files.delete(walDir);
    }

    /** Transactor: business rules for one transfer against the store layer (index lookups, seqlocked writes). */
    @Benchmark
    public byte transactorApplyTransfer()
    {
        final int i = next++ & 4095;
        return state.applyOne(++txId, ++now, OpType.TRANSFER_CODE, from[i], to[i], 1, 0, false, 0, 0);
    }

    /** Transactor: one keyed transfer (a fresh key: lookup miss, insert, and eviction once the window is full). */
    @Benchmark
    public byte transactorApplyKeyedTransfer()
    {
        final int i = next++ & 4095;
        final long id = ++txId;
        return state.applyOne(id, ++now, OpType.TRANSFER_CODE, from[i], to[i], 1, 0, true, 7, id);
    }

    /** Sequencer ingestion: one submit (lane write + publishing CAS) and one poll, same thread. */
    @Benchmark
    public long submissionRingSubmitAndPoll()
    {
        submissions.submit(OpType.TRANSFER_CODE, 1, 2, 3);
        submissions.poll(sink);
        return txId;
    }

    /** Sequencer ingestion of a keyed operation (what {@code Ledger.transfer(from, to, amount, keyHi, keyLo)} does). */
    @Benchmark
    public long submissionRingSubmitKeyedAndPoll()
    {
        submissions.submit(OpType.TRANSFER_CODE, 2, 0, 1, 2, 3, 7, txId);
        submissions.poll(sink);
        return txId;
    }

    /** Sequencer to transactor link: Disruptor single-producer claim/write/publish and consume, batches of 1024. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long disruptorPublishAndConsumeBatch()
    {
        final long hi = disruptor.next(BATCH);
        final long lo = hi - BATCH + 1;
        for (long s = lo; s <= hi; s++)
        {
            final TxEvent e = disruptor.get(s);
            e.txId = s;
            e.amount = s;
        }
        disruptor.publish(lo, hi);
        long sum = 0;
        final long available = disruptor.getCursor();
        for (long s = consumed.get() + 1; s <= available; s++)
        {
            sum += disruptor.get(s).amount;
        }
        consumed.set(available);
        return sum;
    }

    /** Baseline ring: JCTools SPSC offer/poll of a pre-allocated object, batches of 1024. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long jctoolsOfferAndPollBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            jctools.offer(event);
        }
        long sum = 0;
        TxEvent e;
        while ((e = jctools.poll()) != null)
        {
            sum += e.amount;
        }
        return sum;
    }

    /** WAL storer without the disk: encode 1024 records into a frame (its CRC32C and write+force are in commitFrame, measured by `ledger bench`). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int walEncodeFrame()
    {
        wal.beginFrame(txId);
        for (int i = 0; i < BATCH; i++)
        {
            wal.addRecord(OpType.TRANSFER_CODE, 0, 0, 0, from[i], to[i], i, now + i, 0, 0);
        }
        final int n = wal.frameRecords();
        wal.beginFrame(txId); // discard: the disk is measured by `ledger bench`
        return n;
    }
}
