package io.roda.store;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

/**
 * One writer appends millions of checksummed records while several readers verify every one: no torn,
 * missing or reordered reads. Runs against an append store and against a gated ring.
 */
class JournalStoreConcurrencyTest
{
    private static final int RECORDS = 2_000_000;
    private static final int READERS = 3;
    private static final int SIZE = 32;

    @Test
    void appendStore() throws Exception
    {
        run(JournalStore.anonymous("append", SIZE, RECORDS, JournalStore.Mode.APPEND), null);
    }

    @Test
    void gatedRing() throws Exception
    {
        final JournalStore ring = JournalStore.anonymous("ring", SIZE, 1024, JournalStore.Mode.RING);
        final java.util.concurrent.atomic.AtomicLongArray consumed = new java.util.concurrent.atomic.AtomicLongArray(READERS);
        ring.gate(() ->
        {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < READERS; i++)
            {
                min = Math.min(min, consumed.get(i));
            }
            return min;
        });
        run(ring, consumed);
    }

    private static void run(final JournalStore store, final java.util.concurrent.atomic.AtomicLongArray consumed) throws Exception
    {
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread[] readers = new Thread[READERS];
        for (int r = 0; r < READERS; r++)
        {
            final int id = r;
            final StoreReader reader = store.reader();
            readers[r] = new Thread(() ->
            {
                final CRC32C crc = new CRC32C();
                long expected = 0;
                while (expected < RECORDS && failure.get() == null)
                {
                    final RecordView view = reader.next();
                    if (view == null)
                    {
                        Thread.onSpinWait();
                        continue;
                    }
                    final long seq = view.getLong(0);
                    final long a = view.getLong(8);
                    final long b = view.getLong(16);
                    crc.reset();
                    crc.update((int)seq);
                    crc.update((int)a);
                    crc.update((int)b);
                    if (seq != expected || view.index() != expected || view.getLong(24) != crc.getValue())
                    {
                        failure.set("reader " + id + " at " + expected + " saw seq " + seq + " index " + view.index());
                    }
                    expected++;
                    if (consumed != null)
                    {
                        consumed.set(id, expected);
                    }
                }
            });
            readers[r].start();
        }
        final CRC32C crc = new CRC32C();
        for (long i = 0; i < RECORDS && failure.get() == null; i++)
        {
            long index;
            while ((index = store.tryClaim()) < 0)
            {
                Thread.onSpinWait();
            }
            final int at = store.offsetOf(index);
            final long a = i * 31;
            final long b = ~i;
            crc.reset();
            crc.update((int)i);
            crc.update((int)a);
            crc.update((int)b);
            store.buffer().putLong(at, i);
            store.buffer().putLong(at + 8, a);
            store.buffer().putLong(at + 16, b);
            store.buffer().putLong(at + 24, crc.getValue());
            if ((i & 7) == 7 || i == RECORDS - 1)
            {
                store.publish();
            }
        }
        for (final Thread reader : readers)
        {
            reader.join(120_000);
        }
        assertNull(failure.get());
    }
}
