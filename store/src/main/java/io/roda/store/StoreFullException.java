package io.roda.store;

/**
 * Raised when a store or index has no room left. It is a recoverable signal: nothing was written,
 * the store is intact, and the message names the store and its capacity.
 */
public final class StoreFullException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String storeName;
    private final long capacity;

    /**
     * @param storeName the store or index that is full.
     * @param capacity  its fixed capacity, in records or keys.
     * @param unit      what the capacity counts, for the message.
     */
    public StoreFullException(final String storeName, final long capacity, final String unit)
    {
        super(storeName + " is full: capacity " + capacity + " " + unit);
        this.storeName = storeName;
        this.capacity = capacity;
    }

    /** @return the name of the full store. */
    public String storeName()
    {
        return storeName;
    }

    /** @return the fixed capacity of the full store. */
    public long capacity()
    {
        return capacity;
    }
}
