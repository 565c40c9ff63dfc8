package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger simulate} option mistakes: a bad {@code --json} FILE is a usage error found before anything runs
 * (it used to be found only after the whole simulation, whose findings' exit code 1 it then replaced by 2), and
 * the last seed a long holds is a valid seed.
 */
@Timeout(120)
class SimulateCliAttackTest
{
    @TempDir
    Path tmp;

    @Test
    void aJsonFileThatIsADirectoryIsRefusedBeforeTheRun() throws Exception
    {
        final Cli.Run run = InProcessCli.run("", "simulate", "--seeds", "1", "--cuts", "1", "--json", tmp.toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("--json") && run.err().contains(tmp.toString()) && run.err().contains("directory"),
            run.err());
        assertFalse(run.err().contains("seeds 1/1"), "nothing ran: " + run.err());
        assertEquals("", run.out(), "no summary: nothing ran");
        assertFalse(run.err().contains("Exception"), "no exception class in a usage message: " + run.err());
    }

    @Test
    void aJsonFileInAMissingDirectoryIsRefusedBeforeTheRun()
    {
        final Path file = tmp.resolve("missing").resolve("summary.json");
        final Cli.Run run = InProcessCli.run("", "simulate", "--seeds", "1", "--cuts", "1", "--json", file.toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("--json") && run.err().contains(file.getParent().toString()), run.err());
        assertFalse(run.err().contains("seeds 1/1"), "nothing ran: " + run.err());
        assertFalse(Files.exists(file.getParent()), "nothing created");
    }

    @Test
    void theLargestSeedRunsAlone()
    {
        // seeds S .. S+N-1: --seed Long.MAX_VALUE --seeds 1 is the one seed Long.MAX_VALUE, no overflow
        final Cli.Run run = InProcessCli.run("", "simulate", "--seed", Long.toString(Long.MAX_VALUE), "--seeds", "1",
            "--cuts", "1", "--no-faults");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("\"seeds\":1"), run.out());
        final Cli.Run two = InProcessCli.run("", "simulate", "--seed", Long.toString(Long.MAX_VALUE), "--seeds", "2");
        assertEquals(2, two.exit(), two.err());
        assertTrue(two.err().contains("overflow"), two.err());
    }
}
