package io.roda.store;

import java.util.concurrent.TimeUnit;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link JournalStore} publication: one writer claims a record, writes every field of it
 * with plain stores and publishes it with a release store of the write index; readers load the write index
 * with acquire and read through a {@link StoreReader}. Every record's fields all hold {@code index + 1}, so a
 * reader can tell a record that is complete from one that is not there yet (zeros) or half written.
 *
 * <p>Lincheck explores thread switches at every shared-memory access (the {@link Memory} VarHandle calls on
 * the buffer included) and checks every history against {@link Spec}, a counter of appended records: a reader
 * that saw a published record with missing fields, or records out of order, returns {@link #TORN} or
 * {@link #OUT_OF_ORDER}, which no sequential history produces. The ring variant also checks that a visit
 * {@link StoreReader#with} accepts never saw a record the writer was overwriting.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class JournalStoreLincheckTest
{
    static final long TORN = -1;
    static final long OUT_OF_ORDER = -2;
    private static final int FIELDS = 3;
    /**
     * Read between two fields of a visited record. {@link RecordView} reads through {@code ByteBuffer.getLong},
     * inside the JDK, which Lincheck does not instrument: without this read a visit would be one atomic step
     * to the model checker and a writer could never run in the middle of it.
     */
    private static volatile int switchPoint;

    /** Scenarios append at most a few records: a store of 16 never fills, so every append succeeds. */
    private final JournalStore store = JournalStore.anonymous("lincheck", 8 * FIELDS, 16, JournalStore.Mode.APPEND);

    /**
     * The single writer: claim, write every field with a plain store, publish. The pipeline's writers use
     * {@code ByteBuffer.putLong}, the same plain store but inside the JDK, where Lincheck cannot switch threads;
     * {@link Memory#putLong} lets it switch between the fields.
     */
    @Operation(nonParallelGroup = "writer")
    public long append()
    {
        return appendTo(store);
    }

    /** The newest published record, checked field by field; returns how many records are published. */
    @Operation
    public long readLast()
    {
        final RecordView last = store.reader().getLast();
        if (last == null)
        {
            return 0;
        }
        return isComplete(last) ? last.index() + 1 : TORN;
    }

    /** Every published record from the first, through a fresh reader's cursor; returns how many it read. */
    @Operation
    public long readAll()
    {
        final StoreReader reader = store.reader();
        long count = 0;
        for (RecordView view = reader.next(); view != null; view = reader.next())
        {
            if (view.index() != count)
            {
                return OUT_OF_ORDER;
            }
            if (!isComplete(view))
            {
                return TORN;
            }
            count++;
        }
        return count;
    }

    static long appendTo(final JournalStore store)
    {
        final long index = store.claim();
        final int offset = store.offsetOf(index);
        for (int f = 0; f < FIELDS; f++)
        {
            Memory.putLong(store.buffer(), offset + 8 * f, index + 1);
        }
        store.publish();
        return index;
    }

    static boolean isComplete(final RecordView view)
    {
        for (int f = 0; f < FIELDS; f++)
        {
            if (view.getLong(8 * f) != view.index() + 1)
            {
                return false;
            }
            if (switchPoint != 0)
            {
                throw new AssertionError("never written");
            }
        }
        return true;
    }

    @Test
    void publishedRecordsAreCompleteAndInOrder()
    {
        LinChecker.check(JournalStoreLincheckTest.class, options().sequentialSpecification(Spec.class));
    }

    static ModelCheckingOptions options()
    {
        return new ModelCheckingOptions()
            .iterations(10)
            .invocationsPerIteration(200)
            .threads(3)
            .actorsPerThread(3)
            .minimizeFailedScenario(false)
            // Lincheck calls an invocation hung after a wall-clock timeout (10 s by default); on a loaded
            // 2-core machine a healthy invocation can take longer. The setter is Kotlin-internal, hence its name.
            .invocationTimeout$lincheck(60_000);
    }

    @Test
    void aRingVisitThatReportsIntactSawAnIntactRecord()
    {
        LinChecker.check(Ring.class, options().sequentialSpecification(Spec.class));
    }

    /**
     * A ring of one slot, so every append after the first overwrites the record readers may be visiting.
     * {@link StoreReader#with} must return false for a visit the writer overwrote meanwhile; when it returns
     * true the visitor must have seen every field of that record.
     */
    public static class Ring
    {
        private final JournalStore store = JournalStore.anonymous("lincheck-ring", 8 * FIELDS, 1, JournalStore.Mode.RING);

        @Operation(nonParallelGroup = "writer")
        public long append()
        {
            return appendTo(store);
        }

        /** Visits the newest published record; returns how many records are published, or TORN. */
        @Operation
        public long readLast()
        {
            final StoreReader reader = store.reader();
            final long written = reader.available();
            if (written == 0)
            {
                return 0;
            }
            final boolean[] complete = new boolean[1];
            final boolean intact = reader.with(written - 1, view -> complete[0] = isComplete(view));
            return intact && !complete[0] ? TORN : written;
        }
    }

    /** The sequential journal: records 0, 1, 2, ... appended in order; a read sees all appended so far. */
    public static final class Spec
    {
        private long count;

        public long append()
        {
            return count++;
        }

        public long readLast()
        {
            return count;
        }

        public long readAll()
        {
            return count;
        }
    }
}
