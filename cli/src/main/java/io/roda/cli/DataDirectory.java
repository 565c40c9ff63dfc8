package io.roda.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import io.roda.ledger.Recovery;
import picocli.CommandLine.Option;

/** The {@code --data} and {@code --max-accounts} options shared by the commands that read a ledger directory. */
final class DataDirectory
{
    @Option(names = "--data", required = true, description = "Ledger directory.")
    Path path;

    /** Exit code of a read-only command refused because a ledger has the directory open. */
    static final int EXIT_IN_USE = 4;

    @Option(names = "--max-accounts", description = "Most accounts; default: the value stored in DIR/LEDGER "
        + "(a different value is refused).")
    Long maxAccounts;

    /** @return the --max-accounts value, or {@link Recovery#USE_STORED} when absent. */
    long maxAccounts()
    {
        return maxAccounts == null ? Recovery.USE_STORED : maxAccounts;
    }

    /** @return true when the directory exists; otherwise says so on stderr. */
    boolean exists()
    {
        if (Files.isDirectory(path))
        {
            return true;
        }
        System.err.println("ledger directory " + path + " does not exist");
        return false;
    }
}
