package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.feed.ChronicleFlags;

/**
 * The feed is optional: the core ledger needs neither Chronicle Queue (nor roda-feed, nor jnr/jffi) on the
 * class path nor any JVM flag. A child JVM without them applies operations; asked for the feed, it fails
 * with one line naming roda-feed and the class path, and leaves the directory exactly as it was. A child JVM
 * with the class path but without the flags fails naming the missing flags.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedIsOptionalTest
{
    @TempDir
    Path tmp;

    /** The test class path without roda-feed, Chronicle (and its openhft dependencies) and jnr/jffi. */
    static String coreClassPath()
    {
        final List<String> kept = new ArrayList<>();
        final List<String> dropped = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            final String path = entry.replace('\\', '/');
            final String name = Path.of(entry).getFileName().toString();
            final boolean feed = name.startsWith("roda-feed") || path.matches(".*/feed/target/classes/?");
            final boolean chronicle = name.startsWith("chronicle-")
                || path.contains("/net/openhft/") && !path.contains("/net/openhft/affinity/");
            final boolean jnr = name.startsWith("jffi") || name.startsWith("jnr-") || path.contains("/com/github/jnr/");
            (feed || chronicle || jnr ? dropped : kept).add(entry);
        }
        assertTrue(dropped.stream().anyMatch(e -> e.replace('\\', '/').contains("feed")), "roda-feed found: " + dropped);
        assertTrue(dropped.stream().anyMatch(e -> e.contains("chronicle-queue")), "Chronicle found: " + dropped);
        return String.join(File.pathSeparator, kept);
    }

    private record Run(int exit, String out, String err)
    {
    }

    /** Runs the CLI in a child JVM with {@code classPath} and no JVM flag beyond the heap size. */
    private Run cli(final String classPath, final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-cp", classPath,
            "io.roda.cli.LedgerCli"));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(tmp, "out", ".txt");
        final Path err = Files.createTempFile(tmp, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        final Process process = builder.start();
        try
        {
            process.getOutputStream().close();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "ledger " + String.join(" ", args) + " finished");
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** @return every file under {@code dir}: its size and digest. */
    private static Map<String, String> contents(final Path dir) throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)walk::iterator)
            {
                if (Files.isRegularFile(p))
                {
                    files.put(dir.relativize(p).toString(), Files.size(p) + " " + digest(p));
                }
                else if (!p.equals(dir))
                {
                    files.put(dir.relativize(p) + "/", "directory");
                }
            }
        }
        return files;
    }

    private static String digest(final Path file) throws IOException
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theCoreRunsWithoutChronicleAndWithoutFlagsAndTheFeedFailsCleanlyWithoutThem() throws Exception
    {
        final String core = coreClassPath();
        final Path data = tmp.resolve("ledger");
        final Path first = tmp.resolve("first.csv");
        final Path more = tmp.resolve("more.csv");
        Files.writeString(first, "open,1\nopen,2\ndeposit,1,100\ntransfer,1,2,30\n");
        Files.writeString(more, "deposit,2,5\n");

        final Run applied = cli(core, "apply", "--data", data.toString(), "--input", first.toString(), "--max-accounts",
            "64", "--max-holds", "64", "--idempotency-window", "64");
        assertEquals(0, applied.exit(), applied.err());
        assertEquals("1,OK\n2,OK\n3,OK\n4,OK\n", applied.out());
        assertFalse(applied.err().contains("Exception"), applied.err());
        assertFalse(Files.exists(data.resolve("feed")), "no feed unless asked for");
        final Map<String, String> before = contents(data);

        // the stored limits are given again: LedgerConfig.withStored must not be what decides whether the feed is on
        final Run noFeedJar = cli(core, "apply", "--data", data.toString(), "--input", more.toString(), "--feed",
            "--max-accounts", "64", "--max-holds", "64", "--idempotency-window", "64");
        assertNotEquals(0, noFeedJar.exit(), noFeedJar.err());
        assertEquals("", noFeedJar.out(), "nothing applied");
        assertTrue(noFeedJar.err().contains("roda-feed") && noFeedJar.err().contains("class path"), noFeedJar.err());
        assertFalse(noFeedJar.err().contains("\tat "), "one line, no stack trace: " + noFeedJar.err());
        assertEquals(before, contents(data), "the directory is exactly as it was");

        final Run noFlags = cli(System.getProperty("java.class.path"), "apply", "--data", data.toString(), "--input",
            more.toString(), "--feed", "--max-accounts", "64", "--max-holds", "64", "--idempotency-window", "64");
        assertNotEquals(0, noFlags.exit(), noFlags.err());
        assertEquals("", noFlags.out(), "nothing applied");
        for (int i = 0; i + 1 < ChronicleFlags.FLAGS.size(); i += 2)
        {
            final String flag = ChronicleFlags.FLAGS.get(i) + " " + ChronicleFlags.FLAGS.get(i + 1);
            assertTrue(noFlags.err().contains(flag), "names " + flag + ": " + noFlags.err());
        }
        assertFalse(noFlags.err().contains("\tat "), "one line, no stack trace: " + noFlags.err());

        // nothing was applied, and the directory opens (no lock left behind)
        final Cli.Run balances = InProcessCli.run((String)null, "balances", "--data", data.toString());
        assertEquals(0, balances.exit(), balances.err());
        assertEquals("0,-100\n1,70\n2,30\n", balances.out());
        assertEquals(before, contents(data), "the failed open with the feed left nothing behind (no empty feed/)");
    }
}
