package io.roda.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Recovery;
import picocli.CommandLine.Option;

/** The {@code --data} and {@code --max-accounts} options shared by the commands that read a ledger directory. */
final class DataDirectory
{
    @Option(names = "--data", required = true, description = "Ledger directory.")
    Path path;

    /** Exit code of a command refused because a ledger has the directory open. */
    static final int EXIT_IN_USE = LedgerCli.IN_USE;

    @Option(names = "--max-accounts", description = "Most accounts; default: the value stored in DIR/LEDGER "
        + "(a different value is refused).")
    Long maxAccounts;

    /** @return the --max-accounts value, or {@link Recovery#USE_STORED} when absent. */
    long maxAccounts()
    {
        return maxAccounts == null ? Recovery.USE_STORED : maxAccounts;
    }

    /** @return null when the options are usable, else why not (naming the option and the value). */
    String problem()
    {
        final String directory = directoryProblem(path);
        return directory != null ? directory : maxAccountsProblem(path, maxAccounts);
    }

    /** @return true when the options are usable; otherwise says why on {@code err}. */
    boolean usable(final PrintStream err)
    {
        final String problem = problem();
        if (problem != null)
        {
            err.println(problem);
        }
        return problem == null;
    }

    /** @return null when {@code path} is an existing directory, else why not. */
    static String directoryProblem(final Path path)
    {
        if (Files.isDirectory(path))
        {
            return null;
        }
        return Files.exists(path) ? "ledger directory " + path + " is not a directory"
            : "ledger directory " + path + " does not exist";
    }

    /**
     * @return null when a ledger accepts {@code maxAccounts} (or it is null: not given), else the option, the
     *     value and the range.
     */
    static String maxAccountsProblem(final Path path, final Long maxAccounts)
    {
        if (maxAccounts == null)
        {
            return null;
        }
        try
        {
            LedgerConfig.builder(path).maxAccounts(maxAccounts);
            return null;
        }
        catch (final IllegalArgumentException e)
        {
            return "--max-accounts: " + e.getMessage();
        }
    }
}
