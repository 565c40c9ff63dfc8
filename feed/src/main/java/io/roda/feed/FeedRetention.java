package io.roda.feed;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Deletes whole roll cycles of the feed that ended longer ago than a configured age (by the cycle's own
 * period in UTC, taken from its file name), never the newest cycle, then refreshes the queue's directory
 * listing. Readers that were inside a deleted cycle keep reading it (the file is only unlinked); new readers
 * start at the oldest cycle left. Account history then ends where the feed begins.
 */
final class FeedRetention
{
    private final Path feedDir;
    private final SingleChronicleQueue queue;
    private final DateTimeFormatter format;
    private final long cycleMillis;

    FeedRetention(final Path feedDir, final SingleChronicleQueue queue)
    {
        this.feedDir = feedDir;
        this.queue = queue;
        this.format = new DateTimeFormatterBuilder().appendPattern(queue.rollCycle().format())
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0).toFormatter().withZone(ZoneOffset.UTC);
        this.cycleMillis = queue.rollCycle().lengthInMillis();
    }

    /**
     * @return cycle files deleted.
     */
    int deleteOlderThan(final Duration age, final long nowMillis) throws IOException
    {
        int deleted = 0;
        final int newest = queue.lastCycle();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(feedDir, "*.cq4"))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                final long start;
                try
                {
                    start = format.parse(name.substring(0, name.length() - 4), java.time.Instant::from).toEpochMilli();
                }
                catch (final DateTimeParseException e)
                {
                    continue; // not a cycle file of this roll cycle
                }
                final int cycle = (int)Math.floorDiv(start, cycleMillis);
                if (cycle < newest && start + cycleMillis < nowMillis - age.toMillis())
                {
                    Files.deleteIfExists(file);
                    deleted++;
                }
            }
        }
        if (deleted > 0)
        {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }
}
