package io.roda.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./ledger} launcher's entry point: one picocli command with a subcommand per use. */
@Command(name = "ledger", mixinStandardHelpOptions = true, version = "Roda Ledger 0.1.0",
    description = "Roda Ledger: an embeddable, ultra-low-latency double-entry ledger.",
    subcommands = {ApplyCommand.class, BalancesCommand.class, RecoverCommand.class, InspectCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class LedgerCli implements Runnable
{
    /** Held so java.util.logging cannot forget its level. */
    private static final java.util.logging.Logger AFFINITY_LOG = java.util.logging.Logger.getLogger("net.openhft");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** @param args the command line. */
    public static void main(final String[] args)
    {
        configureLogging();
        System.exit(execute(args));
    }

    /** Log to stderr at WARNING unless LEDGER_LOG names another java.util.logging level (e.g. INFO). */
    static void configureLogging()
    {
        final String level = System.getenv().getOrDefault("LEDGER_LOG", "WARNING");
        if (System.getenv("LEDGER_LOG") == null)
        {
            AFFINITY_LOG.setLevel(java.util.logging.Level.SEVERE); // "no reservable CPU" is expected on small machines
        }
        final java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        final java.util.logging.Level parsed = java.util.logging.Level.parse(level.toUpperCase(java.util.Locale.ROOT));
        root.setLevel(parsed);
        for (final java.util.logging.Handler handler : root.getHandlers())
        {
            handler.setLevel(parsed);
        }
    }

    /** @return the exit code of running {@code args}, without exiting (for tests). */
    public static int execute(final String... args)
    {
        return new CommandLine(new LedgerCli()).execute(args);
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
