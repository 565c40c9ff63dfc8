package io.roda.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStoreTest
{
    @TempDir
    Path dir;

    private static void append(final JournalStore store, final long value)
    {
        final long index = store.claim();
        store.buffer().putLong(store.offsetOf(index), value);
        store.buffer().putLong(store.offsetOf(index) + 8, ~value);
        store.publish();
    }

    @Test
    void readersSeeOnlyPublishedRecords()
    {
        final JournalStore store = JournalStore.anonymous("t", 16, 8, JournalStore.Mode.APPEND);
        final StoreReader reader = store.reader();
        assertNull(reader.next());
        final long index = store.claim();
        store.buffer().putLong(store.offsetOf(index), 7);
        assertNull(reader.next(), "claimed but unpublished");
        assertFalse(reader.hasNext());
        store.publish();
        assertTrue(reader.hasNext());
        assertEquals(7, reader.next().getLong(0));
        assertNull(reader.next());
    }

    @Test
    void fullAppendStoreRefusesCleanlyAndKeepsItsRecords()
    {
        final JournalStore store = JournalStore.anonymous("orders", 16, 3, JournalStore.Mode.APPEND);
        for (int i = 0; i < 3; i++)
        {
            append(store, i);
        }
        assertEquals(-1, store.tryClaim());
        final StoreFullException full = assertThrows(StoreFullException.class, store::claim);
        assertEquals("orders is full: capacity 3 records", full.getMessage());
        assertEquals(3, full.capacity());
        assertEquals(3, store.writeIndex());
        final StoreReader reader = store.reader();
        for (int i = 0; i < 3; i++)
        {
            assertEquals(i, reader.next().getLong(0));
        }
    }

    @Test
    void getAtChecksBounds()
    {
        final JournalStore store = JournalStore.anonymous("s", 16, 4, JournalStore.Mode.APPEND);
        append(store, 10);
        final StoreReader reader = store.reader();
        assertEquals(10, reader.getAt(0).getLong(0));
        assertThrows(IndexOutOfBoundsException.class, () -> reader.getAt(1));
        assertThrows(IndexOutOfBoundsException.class, () -> reader.getAt(-1));
        assertThrows(IllegalArgumentException.class, () -> reader.seek(-1));
    }

    @Test
    void getPeeksGetLastAndWindow()
    {
        final JournalStore store = JournalStore.anonymous("s", 16, 10, JournalStore.Mode.APPEND);
        final StoreReader reader = store.reader();
        assertNull(reader.getLast());
        for (int i = 0; i < 5; i++)
        {
            append(store, i * 10);
        }
        assertEquals(0, reader.get().getLong(0));
        assertEquals(0, reader.position(), "get does not advance");
        assertEquals(40, reader.getLast().getLong(0));
        final List<Long> seen = new ArrayList<>();
        assertEquals(3, reader.window(3, r -> seen.add(r.getLong(0))));
        assertEquals(List.of(20L, 30L, 40L), seen);
        seen.clear();
        assertEquals(5, reader.window(100, r -> seen.add(r.getLong(0))));
        assertEquals(List.of(0L, 10L, 20L, 30L, 40L), seen);
        assertThrows(IllegalArgumentException.class, () -> reader.window(-1, r -> { }));
    }

    @Test
    void fileStoreReopensWithItsRecords() throws IOException
    {
        final Path file = dir.resolve("j.store");
        try (JournalStore store = JournalStore.file("j", file, 16, 100, JournalStore.Mode.APPEND))
        {
            for (int i = 0; i < 42; i++)
            {
                append(store, i);
            }
            final long unpublished = store.claim();
            store.buffer().putLong(store.offsetOf(unpublished), 999);
        }
        try (JournalStore store = JournalStore.file("j", file, 16, 100, JournalStore.Mode.APPEND))
        {
            assertEquals(42, store.writeIndex(), "only published records survive");
            final StoreReader reader = store.reader();
            for (int i = 0; i < 42; i++)
            {
                final RecordView r = reader.next();
                assertEquals(i, r.getLong(0));
                assertEquals(~i, r.getLong(8));
            }
            append(store, 42);
            assertEquals(43, store.writeIndex());
        }
    }

    @Test
    void reopeningWithAnotherShapeOrAForeignFileIsAClearError() throws IOException
    {
        final Path file = dir.resolve("j.store");
        JournalStore.file("j", file, 16, 100, JournalStore.Mode.APPEND).close();
        final StoreFormatException shape = assertThrows(StoreFormatException.class,
            () -> JournalStore.file("j", file, 16, 99, JournalStore.Mode.APPEND));
        assertTrue(shape.getMessage().contains(file.toString()), shape.getMessage());
        final Path foreign = dir.resolve("foreign");
        Files.write(foreign, new byte[JournalStore.HEADER_LENGTH + 16 * 100]);
        Files.write(foreign, "not a store".getBytes(), java.nio.file.StandardOpenOption.WRITE);
        assertThrows(StoreFormatException.class, () -> JournalStore.file("j", foreign, 16, 100, JournalStore.Mode.APPEND));
    }

    @Test
    void badShapesAreRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> JournalStore.anonymous("s", 12, 4, JournalStore.Mode.APPEND));
        assertThrows(IllegalArgumentException.class, () -> JournalStore.anonymous("s", 16, 0, JournalStore.Mode.APPEND));
        assertThrows(IllegalArgumentException.class, () -> JournalStore.anonymous("s", 1 << 20, 1 << 12, JournalStore.Mode.APPEND));
    }

    @Test
    void truncateForgetsTrailingRecords()
    {
        final JournalStore store = JournalStore.anonymous("s", 16, 10, JournalStore.Mode.APPEND);
        for (int i = 0; i < 5; i++)
        {
            append(store, i);
        }
        store.truncate(2);
        assertEquals(2, store.writeIndex());
        append(store, 77);
        assertEquals(77, store.reader().getAt(2).getLong(0));
        assertThrows(IllegalArgumentException.class, () -> store.truncate(10));
    }

    @Test
    void ringReaderDetectsOverwrittenRecords()
    {
        final JournalStore store = JournalStore.anonymous("ring", 16, 4, JournalStore.Mode.RING);
        final StoreReader slow = store.reader();
        for (int i = 0; i < 4; i++)
        {
            append(store, i);
        }
        final long[] seen = new long[1];
        assertTrue(slow.with(0, r -> seen[0] = r.getLong(0)));
        assertEquals(0, seen[0]);
        // the writer reuses slot 0 while the reader is in the middle of reading record 0
        assertFalse(slow.with(0, r -> append(store, 4)), "overwrite during the visit is detected");
        assertFalse(slow.with(0, r -> { }), "and record 0 stays overwritten");
        assertThrows(RecordOverwrittenException.class, slow::next);
        assertThrows(RecordOverwrittenException.class, () -> slow.getAt(0));
        assertEquals(4, slow.getAt(4).getLong(0));
        final StoreReader fresh = store.reader();
        assertEquals(1, fresh.position(), "a new reader starts at the oldest intact record");
    }

    @Test
    void gatedRingRefusesToOverwriteUnconsumedRecords()
    {
        final JournalStore store = JournalStore.anonymous("ring", 16, 4, JournalStore.Mode.RING);
        final long[] consumed = {0};
        store.gate(() -> consumed[0]);
        for (int i = 0; i < 4; i++)
        {
            append(store, i);
        }
        assertEquals(-1, store.tryClaim(), "slot 0 is not consumed yet");
        consumed[0] = 1;
        assertEquals(4, store.tryClaim());
        store.publish();
        assertEquals(-1, store.tryClaim());
    }

    @Test
    void recordsStartOnCacheLines()
    {
        for (final long capacity : new long[] {3, 4, 1000, 1024})
        {
            final JournalStore store = JournalStore.anonymous("aligned", 64, capacity, JournalStore.Mode.RING);
            assertEquals(0, store.buffer().alignmentOffset(0, 64), "the buffer starts a cache line");
            for (long i = 0; i < 3 * capacity; i += 7)
            {
                assertEquals(0, store.buffer().alignmentOffset(store.offsetOf(i), 64), "record " + i);
                assertEquals(JournalStore.HEADER_LENGTH + (i % capacity) * 64, store.offsetOf(i),
                    "slot of record " + i + " with capacity " + capacity);
            }
        }
    }

    @Test
    void aGatedRingKeepsNoClaimIndexAndItsReadersReadEveryRecord()
    {
        final JournalStore store = JournalStore.anonymous("ring", 16, 4, JournalStore.Mode.RING);
        final long[] consumed = {0};
        store.gate(() -> consumed[0]);
        final StoreReader reader = store.reader();
        for (long i = 0; i < 40; i++)
        {
            append(store, i);
            assertEquals(i, reader.next().getLong(0));
            consumed[0] = reader.position();
        }
        assertEquals(0, store.claimIndex(), "no shared store per claim");
        assertEquals(null, reader.next());
    }
}
