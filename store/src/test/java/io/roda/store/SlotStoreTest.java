package io.roda.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class SlotStoreTest
{
    @Test
    void allocateWriteReadAndFull()
    {
        final SlotStore store = new SlotStore("balances", 2, 2);
        final int a = store.allocate();
        final int b = store.allocate();
        assertThrows(StoreFullException.class, store::allocate);
        store.beginWrite(b);
        store.putLong(b, 0, 5);
        store.putLong(b, 1, 6);
        store.endWrite(b);
        final long[] fields = new long[2];
        store.read(b, fields);
        assertEquals(5, fields[0]);
        assertEquals(6, fields[1]);
        assertEquals(0, store.readLong(a, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> store.read(2, fields));
        assertThrows(IndexOutOfBoundsException.class, () -> store.readLong(-1, 0));
    }

    @Test
    void readersNeverSeeATornSlot() throws Exception
    {
        final SlotStore store = new SlotStore("s", 2, 1);
        final int slot = store.allocate();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> torn = new AtomicReference<>();
        final Thread reader = new Thread(() ->
        {
            final long[] fields = new long[2];
            while (!stop.get())
            {
                store.read(slot, fields);
                if (fields[1] != -fields[0])
                {
                    torn.set(fields[0] + " / " + fields[1]);
                }
            }
        });
        reader.start();
        for (long v = 1; v <= 3_000_000; v++)
        {
            store.beginWrite(slot);
            store.putLong(slot, 0, v);
            store.putLong(slot, 1, -v);
            store.endWrite(slot);
        }
        stop.set(true);
        reader.join();
        assertEquals(null, torn.get());
    }
}
