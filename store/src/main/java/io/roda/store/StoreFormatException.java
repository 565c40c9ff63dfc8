package io.roda.store;

/** Raised when a file does not hold a store of the expected kind and shape. */
public final class StoreFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the file and what is wrong with it. */
    public StoreFormatException(final String message)
    {
        super(message);
    }
}
