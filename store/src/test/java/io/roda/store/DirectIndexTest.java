package io.roda.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectIndexTest
{
    @TempDir
    Path dir;

    @Test
    void putGetUpdateAndMissing()
    {
        final DirectIndex index = DirectIndex.anonymous("i", 10);
        assertEquals(DirectIndex.MISSING, index.get(5));
        assertTrue(index.put(5, 50));
        assertTrue(index.put(0, 0), "key 0 and value 0 are ordinary");
        assertTrue(index.put(Long.MIN_VALUE, 7));
        assertEquals(50, index.get(5));
        assertEquals(0, index.get(0));
        assertEquals(7, index.get(Long.MIN_VALUE));
        assertFalse(index.put(5, 51), "update, not insert");
        assertEquals(51, index.get(5));
        assertEquals(3, index.size());
        assertThrows(IllegalArgumentException.class, () -> index.put(1, -1));
    }

    @Test
    void fullIndexRefusesNewKeysButAcceptsUpdates()
    {
        final DirectIndex index = DirectIndex.anonymous("accounts", 3);
        index.put(1, 1);
        index.put(2, 2);
        index.put(3, 3);
        final StoreFullException full = assertThrows(StoreFullException.class, () -> index.put(4, 4));
        assertEquals("accounts is full: capacity 3 keys", full.getMessage());
        assertEquals(DirectIndex.MISSING, index.get(4));
        index.put(3, 30);
        assertEquals(30, index.get(3));
        assertEquals(3, index.size());
    }

    @Test
    void agreesWithAHashMapOnRandomKeys()
    {
        final DirectIndex index = DirectIndex.anonymous("i", 50_000);
        final Map<Long, Long> model = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++)
        {
            final long key = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(60_000);
            if (model.size() < 50_000 || model.containsKey(key))
            {
                final long value = random.nextLong(Long.MAX_VALUE);
                assertEquals(!model.containsKey(key), index.put(key, value));
                model.put(key, value);
            }
            final long probe = random.nextInt(60_000);
            assertEquals(model.getOrDefault(probe, DirectIndex.MISSING), index.get(probe));
        }
        assertEquals(model.size(), index.size());
        final Map<Long, Long> visited = new HashMap<>();
        index.forEach(visited::put);
        assertEquals(model, visited);
    }

    @Test
    void fileIndexReopens() throws IOException
    {
        final Path file = dir.resolve("x.index");
        try (DirectIndex index = DirectIndex.file("x", file, 1000))
        {
            for (long k = 1; k <= 1000; k++)
            {
                index.put(k * 31, k);
            }
        }
        try (DirectIndex index = DirectIndex.file("x", file, 1000))
        {
            assertEquals(1000, index.size());
            for (long k = 1; k <= 1000; k++)
            {
                assertEquals(k, index.get(k * 31));
            }
            assertThrows(StoreFullException.class, () -> index.put(-5, 1));
        }
        assertThrows(StoreFormatException.class, () -> DirectIndex.file("x", file, 2000));
    }

    @Test
    void clearRemovesEveryKey()
    {
        final DirectIndex index = DirectIndex.anonymous("i", 4);
        index.put(1, 1);
        index.clear();
        assertEquals(0, index.size());
        assertEquals(DirectIndex.MISSING, index.get(1));
        assertThrows(IllegalArgumentException.class, () -> DirectIndex.anonymous("i", 0));
    }
}
