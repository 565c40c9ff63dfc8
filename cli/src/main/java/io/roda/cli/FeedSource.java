package io.roda.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Option;

/** The {@code --data} and {@code --format} options of the commands that read a feed (feed, history). */
final class FeedSource
{
    @Option(names = "--data", required = true, description = "Ledger directory.")
    Path data;

    @Option(names = "--format", defaultValue = "csv", description = "csv or json (one object per line).")
    String format;

    /** @return whether --format is json (after {@link #usable} said the options are usable). */
    boolean json()
    {
        return "json".equals(format);
    }

    /** @return true when the options are usable; otherwise says why on {@code err}. */
    boolean usable(final PrintStream err)
    {
        final String problem = DataDirectory.directoryProblem(data);
        if (problem != null)
        {
            err.println(problem);
            return false;
        }
        if (!"json".equals(format) && !"csv".equals(format))
        {
            err.println("--format must be csv or json, was " + format);
            return false;
        }
        return true;
    }

    /**
     * Runs {@code command}, turning a missing roda-feed (or Chronicle Queue) into a usage error that says so.
     *
     * @return its exit code.
     */
    static int guarded(final String name, final PrintStream err, final Callable<Integer> command) throws Exception
    {
        try
        {
            return command.call();
        }
        catch (final NoClassDefFoundError e)
        {
            err.println(name + " needs roda-feed and Chronicle Queue on the class path (missing: " + e.getMessage()
                + "); ./ledger has them");
            return LedgerCli.USAGE;
        }
        catch (final InternalError e)
        {
            // a fault reading a mapped cycle file: one cut short, or on a disk that failed
            err.println(name + ": the feed cannot be read (a cycle file is truncated or unreadable: " + e.getMessage()
                + "); move DIR/feed away while the ledger is closed and the next open rebuilds it");
            return LedgerCli.DATA_INVALID;
        }
    }
}
