package io.roda.ledger.tests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.roda.cli.Environment;
import io.roda.cli.LedgerCli;
import io.roda.ledger.LedgerConfig;

/** Runs the CLI in this JVM with its own streams: fast, and a failing disk can be put under it. */
final class InProcessCli
{
    private InProcessCli()
    {
    }

    static Cli.Run run(final byte[] stdin, final UnaryOperator<LedgerConfig.Builder> config,
        final Map<String, String> variables, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Environment env = new Environment(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            variables, config);
        final int exit = LedgerCli.execute(args, env);
        return new Cli.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Cli.Run run(final byte[] stdin, final String... args)
    {
        return run(stdin, UnaryOperator.identity(), Map.of(), args);
    }

    static Cli.Run run(final String stdin, final String... args)
    {
        return run(stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), args);
    }
}
