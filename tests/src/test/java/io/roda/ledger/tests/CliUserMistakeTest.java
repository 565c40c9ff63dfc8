package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.cli.LedgerCli;

/**
 * Issue 8, defect 15: user mistakes gave stack traces (a bad --max-accounts, stray files named like
 * segments or snapshots), a regular file as --data was said not to exist, recover printed no JSON on
 * some failures. Every command now answers a mistake with a short message and a documented exit code.
 */
class CliUserMistakeTest
{
    private static final String[] COMMANDS = {"apply", "balances", "recover", "inspect"};

    @TempDir
    Path tmp;

    private static String[] args(final String command, final Path data, final String... more)
    {
        final String[] base = "apply".equals(command)
            ? new String[] {command, "--data", data.toString(), "--input", "-"}
            : new String[] {command, "--data", data.toString()};
        final String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static void assertNoStackTrace(final Cli.Run run)
    {
        assertFalse(run.err().contains("\tat ") || run.out().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(run.err().contains("Exception:") || run.err().contains("Exception\n"), run.err());
    }

    private Path ledgerWithTwoAccounts()
    {
        final Path data = tmp.resolve("d");
        assertEquals(0, InProcessCli.run("open,1\nopen,2\ndeposit,1,5\n", args("apply", data)).exit());
        return data;
    }

    @Test
    void aBadMaxAccountsIsAUsageError()
    {
        final Path data = ledgerWithTwoAccounts();
        for (final String command : COMMANDS)
        {
            for (final String value : new String[] {"0", "-5", "abc", "99999999999999999999", "1099511627776"})
            {
                final Cli.Run run = InProcessCli.run("open,3\n", args(command, data, "--max-accounts", value));
                assertEquals(LedgerCli.USAGE, run.exit(), command + " " + value + ": " + run.err());
                assertTrue(run.err().contains("--max-accounts"), run.err());
                assertTrue(run.err().contains(value), "names the value: " + run.err());
                assertNoStackTrace(run);
            }
        }
    }

    /**
     * Found by the attack on the fix: {@code bench --json /nonexistent/x.json} ran the whole benchmark and then
     * failed with exit 5; {@code --zipf-exponent NaN} was accepted. Both are usage errors, found up front.
     */
    @Test
    void benchRefusesAnUnwritableOutputAndANonFiniteExponentBeforeItRuns()
    {
        final String missing = tmp.resolve("no-such-dir").resolve("x.json").toString();
        final String[][] cases = {
            {"bench", "--transfers", "1000000", "--json", missing},
            {"bench", "--transfers", "1000000", "--hgrm", tmp.resolve("no-such-dir").resolve("h").toString()},
            {"bench", "--transfers", "1000000", "--distribution", "zipf", "--zipf-exponent", "NaN"},
            {"bench", "--transfers", "1000000", "--distribution", "zipf", "--zipf-exponent", "-1"}};
        for (final String[] args : cases)
        {
            final Cli.Run run = InProcessCli.run((String)null, args);
            assertEquals(LedgerCli.USAGE, run.exit(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.out().isEmpty(), "nothing ran: " + run.out());
            assertNoStackTrace(run);
        }
    }

    @Test
    void aRegularFileAsDataIsNotADirectory() throws Exception
    {
        final Path file = Files.writeString(tmp.resolve("plain"), "hello");
        for (final String command : COMMANDS)
        {
            final Cli.Run run = InProcessCli.run("open,1\n", args(command, file));
            assertEquals(LedgerCli.USAGE, run.exit(), command + ": " + run.err());
            assertTrue(run.err().contains(file + " is not a directory"), command + ": " + run.err());
            assertNoStackTrace(run);
        }
        final Cli.Run recover = InProcessCli.run((String)null, args("recover", file));
        assertTrue(recover.out().startsWith("{\"ok\":false,\"error\":"), recover.out());
        assertEquals("hello", Files.readString(file), "left alone");
    }

    @Test
    void anEmptyFileNamedLikeASegmentGivesNoStackTrace() throws Exception
    {
        final Path data = ledgerWithTwoAccounts();
        Files.write(data.resolve("wal").resolve("00000000000000000100.wal"), new byte[0]);
        checkEveryCommand(data);
    }

    @Test
    void anEmptyFirstSegmentOrADirectoryNamedLikeOneGivesNoStackTrace() throws Exception
    {
        final Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("wal"));
        Files.write(empty.resolve("wal").resolve("00000000000000000001.wal"), new byte[0]);
        checkEveryCommand(empty);
        final Path data = ledgerWithTwoAccounts();
        Files.createDirectories(data.resolve("wal").resolve("00000000000000000050.wal"));
        Files.createDirectories(data.resolve("snapshots").resolve("00000000000000000999.snap"));
        checkEveryCommand(data);
    }

    @Test
    void garbageSegmentAtTheStartGivesNoStackTrace() throws Exception
    {
        final Path data = tmp.resolve("fresh");
        Files.createDirectories(data.resolve("wal"));
        Files.writeString(data.resolve("wal").resolve("00000000000000000001.wal"), "not a segment");
        checkEveryCommand(data);
    }

    @Test
    void garbageNamedLikeASnapshotGivesNoStackTrace() throws Exception
    {
        final Path data = ledgerWithTwoAccounts();
        Files.createDirectories(data.resolve("snapshots"));
        Files.writeString(data.resolve("snapshots").resolve("00000000000000000999.snap"), "garbage");
        Files.write(data.resolve("snapshots").resolve("00000000000000001000.snap"), new byte[0]);
        checkEveryCommand(data);
    }

    private static void checkEveryCommand(final Path data)
    {
        for (final String command : COMMANDS)
        {
            final Cli.Run run = InProcessCli.run("open,9\n", args(command, data));
            assertNoStackTrace(run);
            assertNotEquals(LedgerCli.UNEXPECTED, run.exit(), command + ": " + run.err());
            if ("recover".equals(command))
            {
                assertTrue(run.out().startsWith("{\"ok\":"), "recover always prints its JSON object: " + run.out());
                assertTrue(run.out().strip().endsWith("}") && run.out().strip().indexOf('\n') < 0, run.out());
            }
        }
    }

    @Test
    void anUnexpectedErrorIsOneLineWithAnExitCode()
    {
        final Cli.Run run = InProcessCli.run("open,1\n".getBytes(), b ->
        {
            throw new IllegalStateException("boom", new java.io.IOException("deep reason"));
        }, Map.of(), args("apply", tmp.resolve("d")));
        assertEquals(LedgerCli.UNEXPECTED, run.exit(), run.err());
        assertEquals("error: boom: deep reason\n", run.err());

        final Cli.Run debug = InProcessCli.run("open,1\n".getBytes(), b ->
        {
            throw new IllegalStateException("boom");
        }, Map.of("LEDGER_DEBUG", "1"), args("apply", tmp.resolve("d")));
        assertEquals(LedgerCli.UNEXPECTED, debug.exit());
        assertTrue(debug.err().startsWith("error: boom\n") && debug.err().contains("\tat "), "stack trace on request: " + debug.err());

        final Cli.Run flag = InProcessCli.run("open,1\n".getBytes(), b ->
        {
            throw new IllegalStateException("boom");
        }, Map.of(), "apply", "--debug", "--data", tmp.resolve("d").toString(), "--input", "-");
        assertTrue(flag.err().contains("\tat "), "--debug on the subcommand: " + flag.err());
    }

    @Test
    void aClosedStandardOutputStopsApplyWithOneLine()
    {
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream closed = new java.io.PrintStream(new java.io.OutputStream()
        {
            @Override
            public void write(final int b) throws java.io.IOException
            {
                throw new java.io.IOException("Broken pipe");
            }
        });
        final int exit = LedgerCli.execute(args("apply", tmp.resolve("d")), new io.roda.cli.Environment(
            new java.io.ByteArrayInputStream("open,1\n".getBytes()), closed, new java.io.PrintStream(err, true),
            Map.of(), java.util.function.UnaryOperator.identity()));
        assertEquals(LedgerCli.UNEXPECTED, exit);
        assertEquals("error: cannot write the results to standard output (closed?)\n", err.toString());
    }
}
