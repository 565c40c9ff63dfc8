package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract other tools rely on, byte for byte. */
class CliContractTest
{
    @TempDir
    Path tmp;

    @Test
    void applyPrintsOneCommittedLinePerOperationInInputOrder() throws Exception
    {
        final Path data = tmp.resolve("new/dir");
        final Path input = tmp.resolve("ops.csv");
        Files.writeString(input, String.join("\n",
            "# setup", "open,1", "open,2", "", "deposit,1,100", " transfer , 1 , 2 , 30 ", "withdraw,2,50",
            "transfer,1,1,5", "open,0", "deposit,1,-3", "open,1", "deposit,9,1", "withdraw,1,1000",
            "deposit,1,9223372036854775807", "open,-4") + "\n");
        final Cli.Run run = Cli.run(null, "apply", "--data", data.toString(), "--input", input.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(String.join("\n", "1,OK", "2,OK", "3,OK", "4,OK", "5,INSUFFICIENT_FUNDS", "6,SAME_ACCOUNT",
            "7,INVALID_ACCOUNT", "8,INVALID_AMOUNT", "9,ACCOUNT_EXISTS", "10,ACCOUNT_NOT_FOUND",
            "11,INSUFFICIENT_FUNDS", "12,OVERFLOW", "13,INVALID_ACCOUNT") + "\n", run.out());

        final Cli.Run balances = Cli.run(null, "balances", "--data", data.toString());
        assertEquals(0, balances.exit(), balances.err());
        assertEquals("0,-100\n1,70\n2,30\n", balances.out());

        final Cli.Run more = Cli.run("deposit,2,5\nopen,3\n", "apply", "--data", data.toString(), "--input", "-");
        assertEquals(0, more.exit(), more.err());
        assertEquals("14,OK\n15,OK\n", more.out(), "ids continue after the recovered ones; stdin works");
        assertEquals("0,-105\n1,70\n2,35\n3,0\n", Cli.run(null, "balances", "--data", data.toString()).out());

        final Cli.Run recover = Cli.run(null, "recover", "--data", data.toString());
        assertEquals(0, recover.exit(), recover.err());
        assertTrue(recover.out().contains("\"last_tx_id\":15"), recover.out());
        assertTrue(recover.out().contains("\"zero_sum\":true"), recover.out());
        assertTrue(recover.out().contains("\"accounts\":3"), recover.out());
        assertTrue(recover.out().contains("\"truncated_bytes\":0"), recover.out());
        assertTrue(recover.out().contains("\"snapshot_tx_id\":"), recover.out());

        final Cli.Run inspect = Cli.run(null, "inspect", "--data", data.toString());
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().contains("last tx 15"), inspect.out());
    }

    @Test
    void malformedInputAppliesNothingAndNamesTheLine() throws Exception
    {
        final Path data = tmp.resolve("d");
        final Cli.Run first = Cli.run("open,1\n", "apply", "--data", data.toString(), "--input", "-");
        assertEquals("1,OK\n", first.out());
        final String bad = String.join("\n", "deposit,1,10", "# fine", "refund,1,5", "deposit,1", "deposit,1,x",
            "transfer,1,2,99999999999999999999", "open,1,2", "deposit,1,10") + "\n";
        final Cli.Run run = Cli.run(bad, "apply", "--data", data.toString(), "--input", "-");
        assertNotEquals(0, run.exit());
        assertEquals("", run.out());
        assertTrue(run.err().contains("line 3: unknown operation 'refund'"), run.err());
        assertTrue(run.err().contains("line 4: deposit takes 3 fields, found 2"), run.err());
        assertTrue(run.err().contains("line 5: amount 'x' is not a 64-bit integer"), run.err());
        assertTrue(run.err().contains("line 6: amount '99999999999999999999' is not a 64-bit integer"), run.err());
        assertTrue(run.err().contains("line 7: open takes 2 fields, found 3"), run.err());
        assertFalse(run.err().contains("line 1:"), run.err());
        assertEquals("0,0\n1,0\n", Cli.run(null, "balances", "--data", data.toString()).out(), "nothing applied");

        final Path neverCreated = tmp.resolve("never");
        final Cli.Run refused = Cli.run("bogus\n", "apply", "--data", neverCreated.toString(), "--input", "-");
        assertNotEquals(0, refused.exit());
        assertFalse(Files.exists(neverCreated), "a refused input does not even create DIR");
    }

    @Test
    void missingArgumentsAndDirectoriesAreClearErrors()
    {
        final Cli.Run noData = Cli.run(null, "apply", "--input", "-");
        assertNotEquals(0, noData.exit());
        assertTrue(noData.err().contains("--data"), noData.err());
        final Cli.Run noFile = Cli.run(null, "apply", "--data", tmp.toString(), "--input", tmp.resolve("none.csv").toString());
        assertNotEquals(0, noFile.exit());
        assertTrue(noFile.err().contains("none.csv"), noFile.err());
        final Cli.Run noDir = Cli.run(null, "balances", "--data", tmp.resolve("absent").toString());
        assertNotEquals(0, noDir.exit());
        assertTrue(noDir.err().contains("does not exist"), noDir.err());
        final Cli.Run help = Cli.run(null, "--help");
        assertEquals(0, help.exit());
        for (final String command : new String[] {"apply", "balances", "recover", "inspect", "bench"})
        {
            assertTrue(help.out().contains(command), help.out());
        }
    }
}
