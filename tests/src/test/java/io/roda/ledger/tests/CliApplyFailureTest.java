package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.cli.LedgerCli;
import io.roda.ledger.Recovery;

/**
 * Issue 8, defect 13: {@code apply} under-reported what it committed when the disk failed (it printed
 * up to 97021 while recovery showed 98045), so a caller retrying the unprinted lines paid twice. Now
 * every operation the directory holds is printed with its result, and stderr names the last committed
 * line, the first not committed, and the root cause.
 */
class CliApplyFailureTest
{
    private static final int DEPOSITS = 20_000;

    @TempDir
    Path dir;

    @Test
    void fullDiskPrintsEveryCommittedOperationAndNamesTheCause()
    {
        check(FaultyChannels.failingAfter(Integer.MAX_VALUE, 20), "No space left on device");
    }

    @Test
    void failedFsyncPrintsEveryOperationTheDirectoryKeepsAndNamesTheCause()
    {
        check(FaultyChannels.failingAfter(20, Integer.MAX_VALUE), "injected: fsync failed");
    }

    private void check(final FaultyChannels disk, final String cause)
    {
        final StringBuilder input = new StringBuilder("# one account, then deposits\nopen,1\n");
        for (int i = 0; i < DEPOSITS; i++)
        {
            input.append("deposit,1,1\n");
        }
        final Path data = dir.resolve("ledger");
        final Cli.Run run = InProcessCli.run(input.toString().getBytes(StandardCharsets.UTF_8),
            b -> b.maxBatch(64).storage(disk), Map.of(), "apply", "--data", data.toString(), "--input", "-");

        assertEquals(LedgerCli.LEDGER_FAILED, run.exit(), run.err());
        final long recovered = Recovery.recover(data, 1 << 20, null).report().lastTxId();
        assertTrue(recovered > 0 && recovered < DEPOSITS + 1, "the disk failed part way: " + recovered);

        // every transaction recovery shows as committed was printed, with its result, and nothing more
        final StringBuilder expected = new StringBuilder("1,OK\n");
        for (long tx = 2; tx <= recovered; tx++)
        {
            expected.append(tx).append(",OK\n");
        }
        assertEquals(expected.toString(), run.out(), run.err());

        // line n + 1 holds tx n (line 1 is a comment)
        assertTrue(run.err().contains("cause: " + cause), run.err());
        assertTrue(run.err().contains("through line " + (recovered + 1) + " (tx " + recovered + ")"), run.err());
        assertTrue(run.err().contains("retry from line " + (recovered + 2)), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());

        // retrying exactly the unprinted lines applies each operation once
        final StringBuilder rest = new StringBuilder();
        for (long line = recovered + 2; line <= DEPOSITS + 2; line++)
        {
            rest.append("deposit,1,1\n");
        }
        final Cli.Run retry = InProcessCli.run(rest.toString(), "apply", "--data", data.toString(), "--input", "-");
        assertEquals(0, retry.exit(), retry.err());
        assertEquals("0,-" + DEPOSITS + "\n1," + DEPOSITS + "\n",
            InProcessCli.run((String)null, "balances", "--data", data.toString()).out(), "each deposit applied once");
    }
}
