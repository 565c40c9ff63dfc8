package io.roda.store;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A reader of a {@link JournalStore} with its own cursor. It sees a record only after the writer has
 * published it (acquire load of the write index), and never allocates: each call fills and returns the
 * same borrowed {@link RecordView}, valid until the next call on this reader.
 *
 * <p>In ring mode a borrowed view may be overwritten by the writer while it is read; use
 * {@link #with(long, RecordVisitor)} or {@link #next(RecordVisitor)}, which validate after the visit.
 * A reader is meant for one thread; create one reader per thread.
 */
public final class StoreReader
{
    private final JournalStore store;
    private final ByteBuffer buffer;
    private final RecordView view = new RecordView();
    private final boolean ring;
    private final boolean overwritable; // an ungated ring: the writer may reuse a slot under this reader
    private final long capacity;
    private long cursor;
    private long publishedCache; // the write index last read: records below it need no new acquire load

    StoreReader(final JournalStore store)
    {
        this.store = store;
        this.buffer = store.buffer().duplicate().order(store.buffer().order());
        this.ring = store.mode() == JournalStore.Mode.RING;
        this.overwritable = ring && !store.gated(); // decided once: the gate is set before readers are made
        this.capacity = store.capacity();
        this.cursor = oldestReadable(store.writeIndex());
    }

    private long oldestReadable(final long writeIndex)
    {
        if (!ring)
        {
            return 0;
        }
        return Math.max(0, (overwritable ? store.claimIndex() : writeIndex) - capacity);
    }

    /** @return whether record {@code index} is published, reading the shared write index only when needed. */
    private boolean published(final long index)
    {
        if (index < publishedCache)
        {
            return true;
        }
        publishedCache = store.writeIndex();
        return index < publishedCache;
    }

    /** @return the index of the record {@link #next()} returns next. */
    public long position()
    {
        return cursor;
    }

    /** Moves the cursor to {@code index}; it may point past the write index and wait there. */
    public void seek(final long index)
    {
        if (index < 0)
        {
            throw new IllegalArgumentException(store.name() + ": cannot seek to negative index " + index);
        }
        cursor = index;
    }

    /** @return the number of published records (acquire load). */
    public long available()
    {
        return store.writeIndex();
    }

    /** @return true when the record at the cursor is published. */
    public boolean hasNext()
    {
        return cursor < store.writeIndex();
    }

    /**
     * @return a view of the record at the cursor, advancing the cursor; null when none is published.
     * @throws RecordOverwrittenException (ring) when the cursor's record has already been overwritten.
     */
    public RecordView next()
    {
        if (!published(cursor))
        {
            return null;
        }
        checkNotOverwritten(cursor);
        return wrap(cursor++);
    }

    /**
     * Visits the record at the cursor and advances it.
     *
     * @return false when no record is published at the cursor.
     * @throws RecordOverwrittenException (ring) when the record was overwritten before or during the visit.
     */
    public boolean next(final RecordVisitor visitor)
    {
        if (!published(cursor))
        {
            return false;
        }
        final long index = cursor;
        visitor.visit(wrap(index));
        checkNotOverwritten(index);
        cursor = index + 1;
        return true;
    }

    /** @return a view of the record at the cursor without advancing; null when none is published. */
    public RecordView get()
    {
        if (!published(cursor))
        {
            return null;
        }
        checkNotOverwritten(cursor);
        return wrap(cursor);
    }

    /**
     * @param index a published record index.
     * @return a view of that record.
     * @throws IndexOutOfBoundsException  when {@code index} is negative or not yet published.
     * @throws RecordOverwrittenException (ring) when that record has been overwritten.
     */
    public RecordView getAt(final long index)
    {
        checkPublished(index);
        checkNotOverwritten(index);
        return wrap(index);
    }

    /** @return a view of the newest published record, or null when the store is empty. */
    public RecordView getLast()
    {
        final long written = store.writeIndex();
        return written == 0 ? null : wrap(written - 1);
    }

    /**
     * Visits the newest {@code count} published records (fewer when fewer are readable), oldest first.
     *
     * @return how many records were visited.
     * @throws RecordOverwrittenException (ring) when a visited record was overwritten during the visit.
     */
    public int window(final int count, final RecordVisitor visitor)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException(store.name() + ": window size must be >= 0, was " + count);
        }
        final long written = store.writeIndex();
        long from = Math.max(0, written - count);
        if (ring)
        {
            from = Math.max(from, store.claimIndex() - capacity);
        }
        for (long i = from; i < written; i++)
        {
            visitor.visit(wrap(i));
            checkNotOverwritten(i);
        }
        return (int)(written - from);
    }

    /**
     * Visits record {@code index} through a borrowed view, then checks that it was not overwritten.
     *
     * @return true when the visit saw an intact record; false (ring) when the record was overwritten
     *     before or during the visit, so what the visitor saw must be discarded.
     * @throws IndexOutOfBoundsException when {@code index} is negative or not yet published.
     */
    public boolean with(final long index, final RecordVisitor visitor)
    {
        checkPublished(index);
        if (isOverwritten(index))
        {
            return false;
        }
        visitor.visit(wrap(index));
        return !isOverwritten(index);
    }

    private RecordView wrap(final long index)
    {
        view.wrap(buffer, store.offsetOf(index), store.recordSize(), index);
        return view;
    }

    private void checkPublished(final long index)
    {
        final long written = store.writeIndex();
        if (index < 0 || index >= written)
        {
            throw new IndexOutOfBoundsException(store.name() + ": record " + index
                + " is not published (published records: 0.." + (written - 1) + ")");
        }
    }

    private boolean isOverwritten(final long index)
    {
        if (!overwritable)
        {
            return false; // a gated ring never reuses a slot its readers have not consumed
        }
        VarHandle.loadLoadFence();
        return store.claimIndex() > index + capacity;
    }

    private void checkNotOverwritten(final long index)
    {
        if (isOverwritten(index))
        {
            throw new RecordOverwrittenException(store.name(), index, capacity, store.claimIndex());
        }
    }
}
