package io.roda.ledger;

/** A setting given when opening a ledger differs from the one stored with its data; names both. */
public final class SettingsConflictException extends LedgerException
{
    private static final long serialVersionUID = 1L;

    /** @param message names the setting, the stored and the given value. */
    public SettingsConflictException(final String message)
    {
        super(message, null);
    }
}
