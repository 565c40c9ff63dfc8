package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.store.DirectIndex;
import io.roda.wal.WalFormat;

/**
 * Issue 8, item 12: on a full tmpfs, memory-mapped reads of sparse WAL pages crashed the JVM with SIGBUS
 * (rc 134, hs_err files). Recovery now reads through positional FileChannel reads, and a file that must
 * stay mapped is fully allocated by real writes first, so a full disk is an IOException at creation.
 * Needs a real full file system: mounts a small tmpfs, and is skipped where mounting is not allowed.
 */
@Timeout(180)
class FullTmpfsRegressionTest
{
    @TempDir
    Path tmp;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception
    {
        mount = tmp.resolve("small");
        Files.createDirectories(mount);
        mounted = exec("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root); skipped");
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted)
        {
            exec("umount", "-l", mount.toString());
        }
    }

    private static int exec(final String... command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        }
        catch (final IOException e)
        {
            return -1; // no mount command
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void fill() throws IOException
    {
        final byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte)1);
        try (OutputStream out = Files.newOutputStream(mount.resolve("filler")))
        {
            while (true)
            {
                out.write(chunk);
            }
        }
        catch (final IOException e)
        {
            if (!String.valueOf(e.getMessage()).contains("space"))
            {
                throw e;
            }
        }
    }

    @Test
    void recoveryOnAFullTmpfsReadsSparsePagesWithoutSigbus() throws Exception
    {
        final Path data = mount.resolve("data");
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(data).maxAccounts(100).walSegmentSize(1 << 20)
            .maxBatch(64).snapshotOnClose(false).build()))
        {
            long last = 0;
            for (long account = 1; account <= 50; account++)
            {
                last = ledger.openAccount(account);
            }
            ledger.await(last, Level.COMMITTED, Duration.ofSeconds(30));
        }
        // a crash right after the next segment was created and extended (sparse), before its header
        try (RandomAccessFile next = new RandomAccessFile(Recovery.walDirectory(data).resolve(
            WalFormat.segmentName(51)).toFile(), "rw"))
        {
            next.setLength(1 << 20);
        }
        fill();
        final Cli.Run run = Cli.run(null, "recover", "--data", data.toString());
        assertEquals(0, run.exit(), "no SIGBUS (134), no error: " + run.out() + run.err());
        assertTrue(run.out().contains("\"last_tx_id\": 50") || run.out().contains("\"last_tx_id\":50"), run.out());
    }

    @Test
    void aMappedStoreOnAFullDiskFailsAtCreationWithAnIoException() throws Exception
    {
        fill();
        final Path file = mount.resolve("index");
        final IOException e = assertThrows(IOException.class, () -> DirectIndex.file("index", file, 100_000));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
