package io.roda.common;

/** Checks shared by the stages' {@code Context.conclude()}: each failure names the stage and the setting. */
public final class Contexts
{
    private Contexts()
    {
    }

    /** @throws IllegalStateException when {@code value} is null. */
    public static void require(final Object value, final String stage, final String setting)
    {
        if (value == null)
        {
            throw new IllegalStateException(stage + ".Context: " + setting + " is not set");
        }
    }

    /** @throws IllegalStateException when {@code value} is not positive. */
    public static void positive(final long value, final String stage, final String setting)
    {
        if (value <= 0)
        {
            throw new IllegalStateException(stage + ".Context: " + setting + " must be positive, was " + value);
        }
    }

    /** @throws IllegalStateException when {@code value} is negative. */
    public static void notNegative(final long value, final String stage, final String setting)
    {
        if (value < 0)
        {
            throw new IllegalStateException(stage + ".Context: " + setting + " must be >= 0, was " + value);
        }
    }

    /**
     * @param namesAndIndexes alternately a setting's name and its {@link ProgressIndex}.
     * @throws IllegalStateException naming both settings when two of the indexes are the same object: a stage
     *     that reads one index and advances another would then feed back into itself.
     */
    public static void distinct(final String stage, final Object... namesAndIndexes)
    {
        for (int i = 1; i < namesAndIndexes.length; i += 2)
        {
            for (int j = i + 2; j < namesAndIndexes.length; j += 2)
            {
                if (namesAndIndexes[i] == namesAndIndexes[j])
                {
                    throw new IllegalStateException(stage + ".Context: " + namesAndIndexes[i - 1] + " and "
                        + namesAndIndexes[j - 1] + " are the same ProgressIndex");
                }
            }
        }
    }
}
