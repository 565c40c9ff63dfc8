package io.roda.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The {@code --data} and {@code --max-accounts} options shared by the commands that read a ledger directory. */
final class DataDirectory
{
    @Option(names = "--data", required = true, description = "Ledger directory.")
    Path path;

    @Option(names = "--max-accounts", defaultValue = "1048576", description = "Most accounts (default ${DEFAULT-VALUE}).")
    long maxAccounts;

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
