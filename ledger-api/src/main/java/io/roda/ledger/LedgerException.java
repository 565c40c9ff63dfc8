package io.roda.ledger;

/** Base of the ledger's own runtime failures. */
public class LedgerException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong. @param cause why, or null. */
    public LedgerException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
