package io.roda.ledger;

import java.util.Locale;

/** A progress level a transaction can be waited for; each implies the one before it in the pipeline. */
public enum Level
{
    /** The transactor applied it: its result is known and balances reflect it (in memory). */
    COMPUTED,
    /** The WAL storer forced it to disk: it survives a crash. */
    COMMITTED,
    /** A durable snapshot contains it. */
    SNAPSHOTTED;

    /**
     * @param name {@code computed}, {@code committed} or {@code snapshotted}, any case.
     * @return the level.
     * @throws IllegalArgumentException naming the value and the allowed names.
     */
    public static Level parse(final String name)
    {
        if (name != null)
        {
            for (final Level level : values())
            {
                if (level.name().equals(name.toUpperCase(Locale.ROOT)))
                {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException("unknown level '" + name + "'; expected computed, committed or snapshotted");
    }
}
