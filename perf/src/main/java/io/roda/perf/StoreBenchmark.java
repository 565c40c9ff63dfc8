package io.roda.perf;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.roda.store.DirectIndex;
import io.roda.store.JournalStore;
import io.roda.store.RecordView;
import io.roda.store.SlotStore;
import io.roda.store.StoreReader;

/** The Roda store layer's operations, single-threaded: append, read, index put/get, slot write/read. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StoreBenchmark
{
    private static final int CAPACITY = 1 << 20;

    private JournalStore ring;
    private StoreReader reader;
    private DirectIndex index;
    private SlotStore slots;
    private final long[] fields = new long[2];
    private long key;
    private long value;

    @Setup(Level.Trial)
    public void setup()
    {
        ring = JournalStore.anonymous("bench", 64, CAPACITY, JournalStore.Mode.RING);
        reader = ring.reader();
        index = DirectIndex.anonymous("bench", CAPACITY);
        for (long k = 0; k < CAPACITY / 2; k++)
        {
            index.put(k * 7919, k);
        }
        slots = new SlotStore("bench", 2, 1024);
        for (int i = 0; i < 1024; i++)
        {
            slots.allocate();
        }
    }

    /** Claim, write a 64-byte record's eight fields, publish (release store). */
    @Benchmark
    public long journalAppend()
    {
        final long i = ring.claim();
        final int at = ring.offsetOf(i);
        for (int f = 0; f < 64; f += 8)
        {
            ring.buffer().putLong(at + f, i + f);
        }
        ring.publish();
        return i;
    }

    /** Append then read the record back through a reader (acquire load + flyweight). */
    @Benchmark
    public long journalAppendAndRead()
    {
        journalAppend();
        final RecordView view = reader.next();
        return view.getLong(0) + view.getLong(56);
    }

    /** Index lookup of a present key. */
    @Benchmark
    public long indexGetHit()
    {
        key = (key + 1) & (CAPACITY / 2 - 1);
        return index.get(key * 7919);
    }

    /** Index lookup of an absent key. */
    @Benchmark
    public long indexGetMiss()
    {
        key = (key + 1) & (CAPACITY / 2 - 1);
        return index.get(key * 7919 + 1);
    }

    /** Index update of a present key (release store). */
    @Benchmark
    public boolean indexPutUpdate()
    {
        key = (key + 1) & (CAPACITY / 2 - 1);
        return index.put(key * 7919, ++value);
    }

    /** Seqlock write of a two-field slot. */
    @Benchmark
    public int slotWrite()
    {
        final int slot = (int)(++value & 1023);
        slots.beginWrite(slot);
        slots.putLong(slot, 0, value);
        slots.putLong(slot, 1, -value);
        slots.endWrite(slot);
        return slot;
    }

    /** Seqlock read of a two-field slot. */
    @Benchmark
    public long slotRead()
    {
        final int slot = (int)(++value & 1023);
        slots.read(slot, fields);
        return fields[0] + fields[1];
    }
}
