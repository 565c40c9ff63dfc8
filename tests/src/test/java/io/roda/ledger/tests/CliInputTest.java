package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.cli.LedgerCli;

/**
 * Issue 8, defect 14: invalid UTF-8 in a file gave a stack trace and on stdin was silently replaced;
 * FIFOs were refused; Arabic-Indic and full-width digits were read as numbers; a huge bad line was
 * echoed whole. Each is now a one-line error naming the line, and nothing is applied.
 */
class CliInputTest
{
    @TempDir
    Path tmp;

    private static byte[] bytes(final String ascii, final int... raw)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
        for (final int b : raw)
        {
            out.write(b);
        }
        out.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void assertRefused(final Cli.Run run, final String message)
    {
        assertEquals(LedgerCli.USAGE, run.exit(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("Exception"), "no stack trace: " + run.err());
    }

    @Test
    void invalidUtf8InAFileNamesTheLine() throws Exception
    {
        final Path input = tmp.resolve("bad.csv");
        Files.write(input, bytes("open,1\ndeposit,1,5 # caf", 0xC3, 0x28)); // 0xC3 needs a continuation byte
        final Path data = tmp.resolve("d");
        assertRefused(InProcessCli.run((byte[])null, "apply", "--data", data.toString(), "--input", input.toString()),
            "line 2: not valid UTF-8");
        assertFalse(Files.exists(data), "nothing applied, not even the directory created");
    }

    @Test
    void invalidUtf8OnStdinIsRefusedNotReplaced()
    {
        final byte[] input = bytes("open,1\n# comment \n\n#", 0xFF, 0xFE);
        assertRefused(InProcessCli.run(input, "apply", "--data", tmp.resolve("d").toString(), "--input", "-"),
            "line 4: not valid UTF-8");
    }

    @Test
    void aByteOrderMarkAtTheStartIsSkipped()
    {
        final byte[] input = bytes("", 0xEF, 0xBB, 0xBF, 'o', 'p', 'e', 'n', ',', '1');
        final Cli.Run run = InProcessCli.run(input, "apply", "--data", tmp.resolve("d").toString(), "--input", "-");
        assertEquals(0, run.exit(), run.err());
        assertEquals("1,OK\n", run.out());
    }

    @Test
    void onlyAsciiDigitsAreNumbers()
    {
        final String input = "open,1\nopen,\u0661\ndeposit,1,\uFF11\uFF10\uFF10\ntransfer,1,\u0968,5\n";
        final Cli.Run run = InProcessCli.run(input, "apply", "--data", tmp.resolve("d").toString(), "--input", "-");
        assertRefused(run, "line 2: account '\u0661' has a non-ASCII digit (only 0-9 are accepted)");
        assertTrue(run.err().contains("line 3: amount '\uFF11\uFF10\uFF10' has a non-ASCII digit"), run.err());
        assertTrue(run.err().contains("line 4: to account '\u0968' has a non-ASCII digit"), run.err());
        assertFalse(run.err().contains("line 1:"), run.err());
    }

    @Test
    void aHugeBadLineIsQuotedShortened()
    {
        final String huge = "x".repeat(200_000);
        final Cli.Run run = InProcessCli.run("open,1\ndeposit,1," + huge + "\n" + huge + "\n",
            "apply", "--data", tmp.resolve("d").toString(), "--input", "-");
        assertRefused(run, "line 2: amount '" + "x".repeat(80) + "…' (200000 chars) is not a 64-bit integer");
        assertTrue(run.err().contains("line 3: unknown operation '" + "x".repeat(80) + "…' (200000 chars)"), run.err());
        assertTrue(run.err().length() < 1000, "not echoed whole: " + run.err().length() + " chars");
    }

    @Test
    void aFifoIsAcceptedAsInput() throws Exception
    {
        final Path fifo = tmp.resolve("ops.fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        final Thread writer = new Thread(() ->
        {
            try (OutputStream out = Files.newOutputStream(fifo))
            {
                out.write("open,1\ndeposit,1,7\n".getBytes(StandardCharsets.UTF_8));
            }
            catch (final Exception e)
            {
                throw new AssertionError(e);
            }
        });
        writer.setDaemon(true); // blocked in open() for ever if the CLI never reads the FIFO
        writer.start();
        final Path data = tmp.resolve("d");
        final Cli.Run run = InProcessCli.run((byte[])null, "apply", "--data", data.toString(), "--input", fifo.toString());
        writer.join(10_000);
        assertEquals(0, run.exit(), run.err());
        assertEquals("1,OK\n2,OK\n", run.out(), "read once, applied once");
        assertEquals("0,-7\n1,7\n", InProcessCli.run((String)null, "balances", "--data", data.toString()).out());
    }

    @Test
    void devStdinFromAPipeIsAcceptedAsInput()
    {
        final Cli.Run run = Cli.run("open,1\nopen,2\n", "apply", "--data", tmp.resolve("d").toString(),
            "--input", "/dev/stdin");
        assertEquals(0, run.exit(), run.err());
        assertEquals("1,OK\n2,OK\n", run.out());
    }

    @Test
    void aDirectoryOrMissingFileAsInputIsAClearError() throws Exception
    {
        assertRefused(InProcessCli.run((byte[])null, "apply", "--data", tmp.resolve("d").toString(), "--input",
            tmp.toString()), "is a directory, not a file");
        assertRefused(InProcessCli.run((byte[])null, "apply", "--data", tmp.resolve("d").toString(), "--input",
            tmp.resolve("none.csv").toString()), "input file " + tmp.resolve("none.csv") + " does not exist");
    }
}
