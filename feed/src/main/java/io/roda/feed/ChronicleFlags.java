package io.roda.feed;

import java.util.List;

/**
 * The JVM flags Chronicle Queue needs on JDK 17 and later, and a check that names the missing ones before
 * Chronicle fails with an obscure error. Only processes that use the feed need them (docs/FEED.md).
 */
public final class ChronicleFlags
{
    /** Every flag, as given on the {@code java} command line. */
    public static final List<String> FLAGS = List.of(
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true");

    private ChronicleFlags()
    {
    }

    /** @return the flags as one command-line string. */
    public static String commandLine()
    {
        return String.join(" ", FLAGS);
    }

    /**
     * Turns Chronicle's analytics off (it must never phone home) and checks the module flags.
     *
     * @throws IllegalStateException naming the missing flags.
     */
    public static void check()
    {
        if (System.getProperty("chronicle.analytics.disable") == null)
        {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        final Module base = Object.class.getModule();
        final Module feed = ChronicleFlags.class.getModule();
        final StringBuilder missing = new StringBuilder();
        if (!base.isExported("sun.nio.ch", feed))
        {
            missing.append(" --add-exports java.base/sun.nio.ch=ALL-UNNAMED");
        }
        if (!base.isOpen("java.lang.reflect", feed))
        {
            missing.append(" --add-opens java.base/java.lang.reflect=ALL-UNNAMED");
        }
        if (!base.isExported("jdk.internal.ref", feed))
        {
            missing.append(" --add-exports java.base/jdk.internal.ref=ALL-UNNAMED");
        }
        if (!base.isOpen("java.nio", feed))
        {
            missing.append(" --add-opens java.base/java.nio=ALL-UNNAMED");
        }
        if (missing.length() > 0)
        {
            throw new IllegalStateException("the feed uses Chronicle Queue, which needs these JVM flags:" + missing
                + " (all of them: " + commandLine() + "); ./ledger passes them, an embedding application must");
        }
    }
}
