package io.roda.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.roda.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ledger simulate [--seeds N] [--seed S] [--cuts K] [--json FILE] [--lying-disk] [--no-faults]}: the
 * storage-fault simulator (docs/STORAGE.md). Exit 0 with no findings, 1 with findings, 2 for a bad option.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Run the real pipeline and recovery on a simulated disk: power cuts at random moments (unforced",
        "writes kept, lost or torn per sector; unforced directory changes kept or lost), failed writes and forces,",
        "bad reads and corrupted sectors; after every cut, recover and check every acknowledged transaction and",
        "the state against a reference model. Prints progress, then one JSON line. Exit 0 with no findings, 1 with",
        "findings, 2 for a bad option."})
final class SimulateCommand implements Callable<Integer>
{
    @ParentCommand
    LedgerCli cli;

    @Option(names = "--seeds", description = "Seeds to run (default ${DEFAULT-VALUE}).", defaultValue = "100")
    int seeds;

    @Option(names = "--seed", description = "First seed (default ${DEFAULT-VALUE}); one seed is a one-line repro.",
        defaultValue = "1")
    long seed;

    @Option(names = "--cuts", description = "Power cuts per seed (default ${DEFAULT-VALUE}).", defaultValue = "8")
    int cuts;

    @Option(names = "--json", description = "Also write the JSON summary to FILE.", paramLabel = "FILE")
    Path json;

    @Option(names = "--lying-disk", description = "Forces return without making anything durable: must be caught.")
    boolean lyingDisk;

    @Option(names = "--no-faults", description = "Power cuts only: no failed writes, bad reads or corrupted sectors.")
    boolean noFaults;

    @Override
    public Integer call()
    {
        final PrintStream out = cli.env().stdout();
        final Simulator.Options options;
        try
        {
            options = new Simulator.Options(seed, seeds, cuts, lyingDisk, !noFaults);
        }
        catch (final IllegalArgumentException e)
        {
            cli.env().stderr().println(e.getMessage());
            return LedgerCli.USAGE;
        }
        final String jsonProblem = json == null ? null : jsonProblem(json);
        if (jsonProblem != null)
        {
            cli.env().stderr().println("--json " + json + ": " + jsonProblem);
            return LedgerCli.USAGE; // found before the run, not after minutes of it
        }
        java.util.logging.Logger.getLogger("io.roda").setLevel(java.util.logging.Level.WARNING);
        final Simulator.Report report = Simulator.run(options, line -> cli.env().stderr().println(line));
        final String summary = report.toJson();
        out.println(summary);
        if (json != null)
        {
            try
            {
                Files.writeString(json, summary + "\n", StandardCharsets.UTF_8);
            }
            catch (final IOException e)
            {
                cli.env().stderr().println("--json " + json + ": cannot write the summary: " + e.getMessage());
                // the findings outrank a summary that could not be written after all
                return report.findings().isEmpty() ? LedgerCli.USAGE : 1;
            }
        }
        return report.findings().isEmpty() ? 0 : 1;
    }

    /** @return why the summary cannot be written to {@code file}, or null when it looks writable. */
    private static String jsonProblem(final Path file)
    {
        if (Files.isDirectory(file))
        {
            return "is a directory";
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent))
        {
            return "directory " + parent + " does not exist";
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent))
        {
            return Files.exists(file) ? "the file is not writable" : "directory " + parent + " is not writable";
        }
        return null;
    }
}
