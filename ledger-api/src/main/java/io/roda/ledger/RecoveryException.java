package io.roda.ledger;

/** Recovery found data it will not guess past; the message names the file and offset. */
public final class RecoveryException extends LedgerException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the file, offset and problem. @param cause the underlying error, or null. */
    public RecoveryException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
