package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.wal.WalReader;

/**
 * Flips bytes and truncates files at random offsets in WAL segments and snapshots. Recovery must then
 * either reproduce the exact state, or cut only a damaged final frame (reported, and the state equals
 * the model at the recovered id), or refuse with an error naming the file and the offset.
 */
class CorruptionTest
{
    private static final int ACCOUNTS = 50;
    private static final long MAX_ACCOUNTS = 1000;

    @TempDir
    Path tmp;

    private Path pristine;
    private final List<TreeMap<Long, Long>> modelAfter = new ArrayList<>();
    private long lastTxId;

    @BeforeEach
    void buildLedger() throws Exception
    {
        pristine = tmp.resolve("pristine");
        final Workload workload = new Workload(3, ACCOUNTS);
        final ReferenceLedger model = new ReferenceLedger(MAX_ACCOUNTS);
        modelAfter.add(model.balances());
        // small segments and frequent snapshots, no snapshot on close: the WAL tail runs past the last snapshot
        final LedgerConfig config = LedgerConfig.builder(pristine).maxAccounts(MAX_ACCOUNTS).walSegmentSize(64 * 1024)
            .maxBatch(512).snapshotEveryTx(3_000).retainSnapshots(2).snapshotOnClose(false).build();
        try (Ledger ledger = Ledger.open(config))
        {
            for (long i = 1; i <= 12_000; i++)
            {
                final Operation op = workload.op(i);
                ledger.submit(op);
                model.apply(op.type(), op.account(), op.toAccount(), op.amount());
                modelAfter.add(model.balances());
                if (i % 700 == 0)
                {
                    ledger.await(i, Level.COMMITTED, Duration.ofSeconds(30)); // several frames, not one
                }
            }
            lastTxId = ledger.lastTxId();
            ledger.await(lastTxId, Level.COMMITTED, Duration.ofSeconds(30));
        }
        final long snapshots;
        try (Stream<Path> files = Files.list(Recovery.snapshotDirectory(pristine)))
        {
            snapshots = files.count();
        }
        assertTrue(snapshots >= 1, "the scenario has snapshots");
        assertTrue(WalReader.listSegments(Recovery.walDirectory(pristine)).size() >= 2, "and several segments");
    }

    @Test
    void intactDataRecoversExactly()
    {
        final Recovery.Recovered r = Recovery.recover(pristine, MAX_ACCOUNTS, null);
        assertEquals(lastTxId, r.report().lastTxId());
        assertEquals(modelAfter.get((int)lastTxId), ReferenceLedger.balancesOf(r));
    }

    @Test
    void randomByteFlipsAndTruncations() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(11);
        int exact = 0;
        int cut = 0;
        int refused = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            final Path copy = tmp.resolve("trial-" + trial);
            copyTree(pristine, copy);
            final List<Path> files = damageable(copy);
            final Path victim = files.get(random.nextInt(files.size()));
            final long size = Files.size(victim);
            final long offset;
            final boolean truncate = random.nextInt(4) == 0;
            try (RandomAccessFile file = new RandomAccessFile(victim.toFile(), "rw"))
            {
                // aim at bytes that hold data: WAL segments are mostly preallocated zeros
                final long dataEnd = victim.toString().endsWith(".wal") ? Math.max(64, dataEnd(victim)) : size;
                offset = random.nextLong(dataEnd);
                if (truncate)
                {
                    file.setLength(offset);
                }
                else
                {
                    file.seek(offset);
                    final int b = file.read();
                    file.seek(offset);
                    file.write(b ^ (1 << random.nextInt(8)));
                }
            }
            final String what = (truncate ? "truncated " : "flipped a bit of ") + victim + " at " + offset;
            try
            {
                final Recovery.Recovered r = Recovery.recover(copy, MAX_ACCOUNTS, null);
                final long last = r.report().lastTxId();
                assertEquals(modelAfter.get((int)last), ReferenceLedger.balancesOf(r), what + ": recovered state must be exact");
                if (last == lastTxId)
                {
                    exact++;
                }
                else
                {
                    assertTrue(r.report().truncatedBytes() > 0 && r.report().truncation() != null,
                        what + ": losing transactions is only allowed as a reported cut of the final frame");
                    assertTrue(r.report().truncation().contains(victim.getFileName().toString()), r.report().truncation());
                    cut++;
                }
            }
            catch (final RecoveryException e)
            {
                assertTrue(e.getMessage().contains(copy.toString()) && e.getMessage().contains("offset"),
                    what + ": the refusal names the file and offset: " + e.getMessage());
                refused++;
            }
        }
        System.out.printf("corruption trials: %d exact, %d final frame cut, %d refused%n", exact, cut, refused);
        assertTrue(refused > 0, "some damage must be refused");
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToAnOlderOne() throws Exception
    {
        final Path copy = tmp.resolve("fallback");
        copyTree(pristine, copy);
        final List<Path> snapshots = new ArrayList<>();
        try (Stream<Path> files = Files.list(Recovery.snapshotDirectory(copy)))
        {
            files.sorted(Comparator.reverseOrder()).forEach(snapshots::add);
        }
        assertTrue(snapshots.size() >= 2, "two snapshots are retained");
        try (RandomAccessFile file = new RandomAccessFile(snapshots.get(0).toFile(), "rw"))
        {
            file.seek(100);
            file.write(file.read() ^ 0x10);
        }
        final Recovery.Recovered r = Recovery.recover(copy, MAX_ACCOUNTS, null);
        assertEquals(lastTxId, r.report().lastTxId());
        assertEquals(modelAfter.get((int)lastTxId), ReferenceLedger.balancesOf(r));
        assertEquals(1, r.report().damagedSnapshots().size());
        assertTrue(r.report().damagedSnapshots().get(0).contains(snapshots.get(0).getFileName().toString()));
        assertEquals(snapshots.get(1).getFileName().toString(), r.report().snapshotFile());
    }

    private static long dataEnd(final Path segment) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }
        return end;
    }


    private static List<Path> damageable(final Path dir) throws IOException
    {
        final List<Path> files = new ArrayList<>(WalReader.listSegments(Recovery.walDirectory(dir)));
        try (Stream<Path> snapshots = Files.list(Recovery.snapshotDirectory(dir)))
        {
            snapshots.forEach(files::add);
        }
        return files;
    }

    static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> walk = Files.walk(from))
        {
            for (final Path source : (Iterable<Path>)walk::iterator)
            {
                final Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source))
                {
                    Files.createDirectories(target);
                }
                else if (!source.getFileName().toString().equals("LOCK"))
                {
                    Files.copy(source, target);
                }
            }
        }
    }
}
