package io.roda.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.roda.ledger.LedgerConfig;

/**
 * What a run of the CLI reads and writes: its streams, its environment variables, and a last say on the
 * configuration of any ledger it opens. {@link #system()} is the process's own; tests pass their own
 * streams, and a failing disk through {@code ledgerConfig} (a {@code Storage}), so that the
 * CLI runs in process.
 *
 * @param stdin        standard input ({@code --input -}).
 * @param stdout       results.
 * @param stderr       diagnostics.
 * @param variables    environment variables ({@code LEDGER_DEBUG}).
 * @param ledgerConfig applied to every ledger configuration before it is built.
 */
public record Environment(InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> variables,
    UnaryOperator<LedgerConfig.Builder> ledgerConfig)
{
    /** Checks that nothing is null. */
    public Environment
    {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(ledgerConfig, "ledgerConfig");
    }

    /** @return the process's streams and variables, ledgers configured as the options say. */
    public static Environment system()
    {
        return new Environment(System.in, System.out, System.err, System.getenv(), UnaryOperator.identity());
    }

    /** @return this environment with {@code streams}, the rest unchanged. */
    public Environment withStreams(final InputStream in, final PrintStream out, final PrintStream err)
    {
        return new Environment(in, out, err, variables, ledgerConfig);
    }
}
