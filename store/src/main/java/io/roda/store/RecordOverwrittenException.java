package io.roda.store;

/** Raised when a reader of a ring-mode store asks for a record whose slot has been reused. */
public final class RecordOverwrittenException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param store    the store's name.
     * @param index    the record asked for.
     * @param capacity the store's capacity.
     * @param claimed  the writer's claim index when the overwrite was seen.
     */
    public RecordOverwrittenException(final String store, final long index, final long capacity, final long claimed)
    {
        super(store + ": record " + index + " was overwritten (ring capacity " + capacity
            + ", writer at " + claimed + ")");
    }
}
