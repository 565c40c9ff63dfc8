package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: {@code ledger bench} ends with a table per stage, and {@code --json} carries {@code stage_counters}. */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BenchStageCountersTest
{
    @TempDir
    Path tmp;

    @Test
    void benchReportsEveryStagesCounters() throws Exception
    {
        final Path json = tmp.resolve("bench.json");
        final Cli.Run run = Cli.run(null, "bench", "--accounts", "100", "--transfers", "20000", "--warmup", "1000",
            "--no-pin", "--data", tmp.resolve("data").toString(), "--json", json.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        final String out = run.out() + run.err();
        for (final String stage : new String[] {"sequencer", "transactor", "wal", "snapshotter"})
        {
            assertTrue(Pattern.compile("(?m)^  " + stage + " +[0-9,]+ ").matcher(out).find(), "a table row for " + stage + ":\n" + out);
        }
        final String text = Files.readString(json);
        final Matcher counters = Pattern.compile("\"stage_counters\":\\{(.*?\\}\\})\\}?").matcher(text);
        assertTrue(counters.find(), text);
        for (final String stage : new String[] {"sequencer", "transactor", "wal", "snapshotter"})
        {
            final Matcher entry = Pattern.compile("\"" + stage + "\":\\{\"items\":(\\d+),\"batches\":(\\d+),"
                + "\"mean_batch\":([0-9.E]+),\"busy_ratio\":([0-9.E-]+)").matcher(text);
            assertTrue(entry.find(), stage + " in " + text);
            final long items = Long.parseLong(entry.group(1));
            final long batches = Long.parseLong(entry.group(2));
            final double busy = Double.parseDouble(entry.group(4));
            assertTrue(items <= 20_000 + 1_000, stage + ": " + items + " items");
            if (!stage.equals("snapshotter"))
            {
                assertTrue(items >= 19_000, stage + " handled the measured transfers: " + items);
                assertTrue(batches >= 1, stage + ": " + batches + " batches");
            }
            // the snapshotter's items are the transactions its snapshots cover: a short run may take none
            assertTrue(batches <= items, stage + ": " + batches + " batches of " + items + " items");
            assertEquals(batches == 0 ? 0 : (double)items / batches, Double.parseDouble(entry.group(3)), 1e-6);
            assertTrue(busy >= 0 && busy <= 1, stage + " busy_ratio " + busy);
        }
    }
}
