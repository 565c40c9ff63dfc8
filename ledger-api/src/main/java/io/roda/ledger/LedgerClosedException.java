package io.roda.ledger;

/** The ledger was closed; it accepts no more calls but {@code close()}. */
public final class LedgerClosedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the ledger's directory. */
    public LedgerClosedException(final String message)
    {
        super(message);
    }
}
