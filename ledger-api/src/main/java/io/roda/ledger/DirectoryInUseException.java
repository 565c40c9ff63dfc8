package io.roda.ledger;

/** The ledger directory is in use: open by a ledger (for readers), or by a ledger or a reader (for a ledger). */
public final class DirectoryInUseException extends LedgerException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the directory. */
    public DirectoryInUseException(final String message)
    {
        this(message, null);
    }

    /** @param message names the directory. @param cause why, or null. */
    public DirectoryInUseException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
