package io.roda.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ./ledger} launcher's entry point: one picocli command with a subcommand per use.
 *
 * <p>Exit codes, the same for every command: {@link #OK}, {@link #DATA_INVALID}, {@link #USAGE},
 * {@link #LEDGER_FAILED}, {@link #UNEXPECTED}. No user mistake prints a stack trace: an unexpected
 * exception prints one line {@code error: MESSAGE}, with the stack trace only under {@code --debug} or
 * {@code LEDGER_DEBUG=1}.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true, version = "Roda Ledger 0.1.0",
    description = "Roda Ledger: an embeddable, ultra-low-latency double-entry ledger.",
    subcommands = {ApplyCommand.class, BalancesCommand.class, RecoverCommand.class, InspectCommand.class,
        BenchCommand.class, FeedCommand.class, HistoryCommand.class, SimulateCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:done", "1:the directory's data does not verify", "2:a bad option or input; nothing applied",
        "3:apply: the ledger failed part way; stdout holds every committed line",
        "4:the directory is in use by a running ledger; nothing read or applied",
        "5:an unexpected error, in one line (--debug or LEDGER_DEBUG=1 for the stack trace)"})
public final class LedgerCli implements Runnable
{
    /** Everything done. */
    public static final int OK = 0;
    /** The ledger directory's data does not verify (recover, balances, inspect), or settings conflict with it. */
    public static final int DATA_INVALID = 1;
    /** A bad option, a missing or unusable file or directory, or input that is not valid. Nothing applied. */
    public static final int USAGE = 2;
    /** The ledger failed while applying (a disk error, say); the output says exactly what was committed. */
    public static final int LEDGER_FAILED = 3;
    /** The directory is in use by a running ledger; nothing was read or applied. */
    public static final int IN_USE = 4;
    /** An error the CLI did not anticipate; one line on stderr names it. */
    public static final int UNEXPECTED = 5;

    private final Environment env;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
        description = "Print stack traces of unexpected errors (also LEDGER_DEBUG=1).")
    boolean debug;

    /** Held so java.util.logging cannot forget its level. */
    private static final java.util.logging.Logger AFFINITY_LOG = java.util.logging.Logger.getLogger("net.openhft");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** @param args the command line. */
    public static void main(final String[] args)
    {
        if (System.getProperty("chronicle.analytics.disable") == null)
        {
            System.setProperty("chronicle.analytics.disable", "true"); // the feed's Chronicle Queue never phones home
        }
        configureLogging();
        System.exit(execute(args, Environment.system()));
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

    private LedgerCli(final Environment env)
    {
        this.env = env;
    }

    /** @return the exit code of running {@code args} with the process's streams, without exiting. */
    public static int execute(final String... args)
    {
        return execute(args, Environment.system());
    }

    /** @return the exit code of running {@code args} in {@code env}, without exiting (for tests). */
    public static int execute(final String[] args, final Environment env)
    {
        final LedgerCli cli = new LedgerCli(env);
        final CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(new PrintWriter(env.stdout(), true));
        commandLine.setErr(new PrintWriter(env.stderr(), true));
        commandLine.setExecutionExceptionHandler((e, line, parsed) ->
        {
            env.stdout().flush();
            env.stderr().println("error: " + describe(e));
            if (cli.debug || "1".equals(env.variables().get("LEDGER_DEBUG")))
            {
                e.printStackTrace(env.stderr());
            }
            return UNEXPECTED;
        });
        try
        {
            return commandLine.execute(args);
        }
        finally
        {
            env.stdout().flush();
            env.stderr().flush();
        }
    }

    /** @return the environment this run reads and writes. */
    Environment env()
    {
        return env;
    }

    /**
     * @return the deepest cause's message (what the operating system said, e.g. "No space left on device"),
     *     with its type when it has no message.
     */
    static String rootCause(final Throwable e)
    {
        Throwable root = e;
        int depth = 0;
        while (root.getCause() != null && root.getCause() != root && depth++ < 100)
        {
            root = root.getCause();
        }
        final String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /** @return {@code e}'s message, and its root cause's when that says something more. */
    static String describe(final Throwable e)
    {
        final String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        final String root = rootCause(e);
        return message.contains(root) ? message : message + ": " + root;
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(env.stdout());
    }
}
