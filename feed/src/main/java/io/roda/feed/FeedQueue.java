package io.roda.feed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.TreeMap;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The Chronicle Queue under {@code DIR/feed} and the arithmetic that finds a transaction in it: entries hold
 * consecutive transaction ids, so inside one roll cycle the entry of transaction {@code t} is at sequence
 * {@code t - first(cycle)}; the first transaction of each cycle is read once and cached.
 */
final class FeedQueue implements AutoCloseable
{
    /** The roll cycles a feed may use (names of {@link RollCycles}). */
    static final List<String> ROLL_CYCLES = List.of("FAST_DAILY", "FAST_HOURLY", "TEN_MINUTELY", "FIVE_MINUTELY");

    final SingleChronicleQueue queue;
    private final ExcerptTailer seeker;
    private final FeedEntry scratch = new FeedEntry();
    private final TreeMap<Long, Integer> cycleByFirstTx = new TreeMap<>();
    private final TreeMap<Integer, Long> firstTxByCycle = new TreeMap<>();

    private FeedQueue(final SingleChronicleQueue queue)
    {
        this.queue = queue;
        this.seeker = queue.createTailer();
    }

    /** @return the directory of the feed of the ledger in {@code ledgerDir}. */
    static Path directory(final Path ledgerDir)
    {
        return ledgerDir.resolve("feed");
    }

    /** @return the roll cycle named {@code name} (case-insensitive), one of {@link #ROLL_CYCLES}. */
    static RollCycle rollCycle(final String name)
    {
        final String upper = name.toUpperCase(Locale.ROOT);
        if (!ROLL_CYCLES.contains(upper))
        {
            throw new IllegalArgumentException("feed roll cycle must be one of " + ROLL_CYCLES + ", was " + name);
        }
        return RollCycles.valueOf(upper);
    }

    /** Opens (creating) the queue for the feed stage. */
    static FeedQueue forWriting(final Path feedDir, final RollCycle rollCycle)
    {
        ChronicleFlags.check();
        return new FeedQueue(SingleChronicleQueueBuilder.single(feedDir.toFile()).rollCycle(rollCycle).build());
    }

    /** Opens an existing queue for reading, from any process. */
    static FeedQueue forReading(final Path feedDir)
    {
        ChronicleFlags.check();
        if (!Files.isDirectory(feedDir) || !Files.exists(feedDir.resolve("metadata.cq4t")))
        {
            throw new IllegalArgumentException(feedDir + " holds no feed: open the ledger with the feed on "
                + "(LedgerConfig.feed(true), or --feed) to create it");
        }
        return new FeedQueue(SingleChronicleQueueBuilder.single(feedDir.toFile()).readOnly(true).build());
    }

    /** @return the last entry's transaction id, or 0 when the queue is empty. */
    long lastTxId()
    {
        return edgeTxId(true);
    }

    /** @return the first entry's transaction id, or 0 when the queue is empty. */
    long firstTxId()
    {
        return edgeTxId(false);
    }

    private long edgeTxId(final boolean last)
    {
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (last)
            {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
            }
            else
            {
                tailer.toStart();
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return 0;
                }
                scratch.readFrom(dc.wire().bytes());
                return scratch.txId;
            }
        }
    }

    /**
     * @return a new tailer positioned at the entry of {@code txId}.
     * @throws IllegalStateException when the queue does not hold it.
     */
    ExcerptTailer tailerAt(final long txId)
    {
        final ExcerptTailer tailer = queue.createTailer();
        final long index = locate(txId, scratch);
        if (index == Long.MIN_VALUE || !tailer.moveToIndex(index))
        {
            tailer.close();
            throw new IllegalStateException("the feed in " + queue.fileAbsolutePath() + " does not hold transaction "
                + txId + " (it holds " + firstTxId() + ".." + lastTxId() + ")");
        }
        return tailer;
    }

    /**
     * Finds the entry of {@code txId}, reading it into {@code into}.
     *
     * @return its queue index, or {@link Long#MIN_VALUE} when the queue does not hold it.
     * @throws IllegalStateException when another transaction sits where it belongs.
     */
    long locate(final long txId, final FeedEntry into)
    {
        if (txId < 1)
        {
            return Long.MIN_VALUE;
        }
        for (int attempt = 0; attempt < 2; attempt++)
        {
            java.util.Map.Entry<Long, Integer> floor = cycleByFirstTx.floorEntry(txId);
            if (attempt == 1 || floor == null)
            {
                refreshCycles(); // a cycle started since, or cycles were deleted
                floor = cycleByFirstTx.floorEntry(txId);
            }
            if (floor == null)
            {
                continue;
            }
            final long index = queue.rollCycle().toIndex(floor.getValue(), txId - floor.getKey());
            if (!seeker.moveToIndex(index))
            {
                continue;
            }
            try (DocumentContext dc = seeker.readingDocument())
            {
                if (!dc.isPresent())
                {
                    continue;
                }
                into.readFrom(dc.wire().bytes());
            }
            if (into.txId == txId)
            {
                return index;
            }
            if (attempt == 1)
            {
                throw new IllegalStateException("the feed in " + queue.fileAbsolutePath() + " holds transaction "
                    + into.txId + " where " + txId + " belongs: its entries are not consecutive");
            }
        }
        return Long.MIN_VALUE;
    }

    private void refreshCycles()
    {
        queue.refreshDirectoryListing();
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last)
        {
            return;
        }
        final NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
        final List<Integer> gone = new ArrayList<>();
        for (final Integer known : firstTxByCycle.keySet())
        {
            if (!cycles.contains((long)known))
            {
                gone.add(known);
            }
        }
        for (final Integer cycle : gone)
        {
            cycleByFirstTx.remove(firstTxByCycle.remove(cycle));
        }
        for (final Long c : cycles)
        {
            final int cycle = (int)(long)c;
            if (firstTxByCycle.containsKey(cycle))
            {
                continue;
            }
            if (!seeker.moveToIndex(queue.rollCycle().toIndex(cycle, 0)))
            {
                continue; // an empty cycle (created, nothing written yet)
            }
            try (DocumentContext dc = seeker.readingDocument())
            {
                if (!dc.isPresent())
                {
                    continue;
                }
                scratch.readFrom(dc.wire().bytes());
            }
            firstTxByCycle.put(cycle, scratch.txId);
            cycleByFirstTx.put(scratch.txId, cycle);
        }
    }

    @Override
    public void close()
    {
        seeker.close();
        queue.close();
    }
}
