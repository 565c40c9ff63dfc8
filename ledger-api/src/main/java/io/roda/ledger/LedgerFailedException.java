package io.roda.ledger;

/**
 * A stage failed (for example a WAL write or force): the ledger accepts no more work, and nothing
 * after the last commit index is reported committed. The cause is the stage's error.
 */
public final class LedgerFailedException extends LedgerException
{
    private static final long serialVersionUID = 1L;

    /** @param message what failed. @param cause the stage's error. */
    public LedgerFailedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
