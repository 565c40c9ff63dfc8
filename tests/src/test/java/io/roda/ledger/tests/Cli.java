package io.roda.ledger.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI in a child JVM, exactly as {@code ./ledger} does, and captures its output. */
final class Cli
{
    record Run(int exit, String out, String err)
    {
    }

    private Cli()
    {
    }

    static ProcessBuilder builder(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(io.roda.feed.ChronicleFlags.FLAGS); // as ./ledger passes them (java -jar reads the manifest)
        command.add("--enable-native-access=ALL-UNNAMED"); // the jar's manifest says so too: JDK 22+ warns on JNA
        if (Runtime.version().feature() >= 23)
        {
            command.add("--sun-misc-unsafe-memory-access=allow"); // as ./ledger adds it there (jffi, under OpenHFT posix)
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.roda.cli.LedgerCli");
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    static Run run(final String stdin, final String... args)
    {
        try
        {
            final Process process = builder(args).start();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final Thread o = pump(process.getInputStream(), out);
            final Thread e = pump(process.getErrorStream(), err);
            if (stdin != null)
            {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError("ledger " + String.join(" ", args) + " did not finish");
            }
            o.join();
            e.join();
            return new Run(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static Thread pump(final InputStream in, final ByteArrayOutputStream to)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                in.transferTo(to);
            }
            catch (final IOException ignored)
            {
                // process ended
            }
        });
        t.start();
        return t;
    }
}
