package io.roda.feed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.roda.core.OpType;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the committed-transaction feed of a ledger directory, from any process, while the ledger writes it:
 * tail it from a transaction id, or ask an account's history. Read-only; needs the JVM flags of
 * {@link ChronicleFlags}. docs/FEED.md describes the entries, retention and the guarantees.
 *
 * <pre>{@code
 * try (LedgerFeed feed = LedgerFeed.open(dir);
 *      LedgerFeed.Tailer tailer = feed.tailer(lastSeen + 1))
 * {
 *     FeedEntry entry = new FeedEntry();
 *     while (running)
 *     {
 *         if (tailer.next(entry)) { handle(entry); lastSeen = entry.txId(); } else { Thread.onSpinWait(); }
 *     }
 * }
 * }</pre>
 *
 * Not thread-safe: use one LedgerFeed (and its tailers) per thread.
 */
public final class LedgerFeed implements AutoCloseable
{
    /**
     * One row of an account's history: the transaction, its ledger time (ns since the epoch), the operation (or
     * {@code EXPIRE}), the counterparty ({@link FeedEntry#NONE}, -1, for none: an open), the amount signed by the
     * direction of the change for the account (see docs/FEED.md), and the account's posted balance after it.
     */
    public record HistoryEntry(long txId, long timestamp, String operation, long counterparty, long amount,
        long balanceAfter)
    {
    }

    private final Path feedDir;
    private final FeedQueue queue;
    private final FeedEntry scratch = new FeedEntry();
    private AccountHeads heads;

    private LedgerFeed(final Path feedDir, final FeedQueue queue)
    {
        this.feedDir = feedDir;
        this.queue = queue;
    }

    /**
     * Opens the feed of the ledger in {@code ledgerDir}.
     *
     * @throws IllegalArgumentException when the directory holds no feed.
     * @throws IllegalStateException    when the JVM lacks the flags Chronicle Queue needs.
     */
    public static LedgerFeed open(final Path ledgerDir)
    {
        final Path feedDir = FeedQueue.directory(ledgerDir);
        return new LedgerFeed(feedDir, FeedQueue.forReading(feedDir));
    }

    /** @return the first transaction the feed still holds, or 0 when it is empty. */
    public long firstTxId()
    {
        return queue.firstTxId();
    }

    /** @return the last transaction the feed holds, or 0 when it is empty. */
    public long lastTxId()
    {
        return queue.lastTxId();
    }

    /**
     * A tailer that hands over every entry from {@code fromTxId} on, in order, also those appended later.
     *
     * @param fromTxId the first transaction wanted; 0 means the first the feed holds.
     * @throws IllegalArgumentException when the feed no longer holds {@code fromTxId} (retention deleted it).
     */
    public Tailer tailer(final long fromTxId)
    {
        final long first = firstTxId();
        final long last = lastTxId();
        final long from = fromTxId == 0 ? first : fromTxId; // 0 on an empty feed: whatever comes first
        if (fromTxId < 0 || (first > 0 && from < first))
        {
            throw new IllegalArgumentException("the feed holds transactions from " + first + " on, not " + fromTxId
                + " (older cycles were deleted by retention, or the feed was turned on after them)");
        }
        final ExcerptTailer tailer;
        if (first == 0)
        {
            tailer = queue.queue.createTailer().toStart(); // empty: read whatever comes, skipping ids below from
        }
        else
        {
            // from, or the last entry when from is beyond it (never toEnd(): an entry appended meanwhile would be
            // skipped); entries below from are skipped by the tailer
            tailer = queue.tailerAt(Math.min(Math.max(from, first), last));
        }
        return new Tailer(tailer, from);
    }

    /**
     * The applied transactions that touched {@code account}, newest first. Its cost grows with {@code limit}
     * and with the account's entries at or after {@code beforeTxId}, never with the ledger's size.
     *
     * @param account    the account (0 is the system account).
     * @param limit      the most rows to return (at least 1).
     * @param beforeTxId only transactions below it; 0 or {@link Long#MAX_VALUE} for no bound.
     * @return the rows; empty when the feed holds none for the account.
     */
    public List<HistoryEntry> history(final long account, final int limit, final long beforeTxId)
    {
        if (limit < 1)
        {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (account < 0)
        {
            throw new IllegalArgumentException("account must be 0 or more, was " + account);
        }
        if (beforeTxId < 0)
        {
            throw new IllegalArgumentException("before must be a transaction id (1 or more), was " + beforeTxId);
        }
        final long before = beforeTxId == 0 ? Long.MAX_VALUE : beforeTxId;
        final List<HistoryEntry> rows = new ArrayList<>(Math.min(limit, 1024));
        long tx = heads().get(account);
        while (tx != 0 && rows.size() < limit)
        {
            if (queue.locate(tx, scratch) == Long.MIN_VALUE)
            {
                break; // retention deleted it: history covers what the feed still holds
            }
            final int i = scratch.indexOfTouched(account);
            if (i < 0)
            {
                throw new IllegalStateException("feed entry " + tx + " is linked from account " + account
                    + " but does not touch it: " + feedDir + "/" + AccountHeads.FILE + " is damaged");
            }
            if (tx < before)
            {
                rows.add(row(scratch, i, account));
            }
            final long previous = scratch.previousTx(i);
            if (previous >= tx)
            {
                throw new IllegalStateException("feed entry " + tx + " links account " + account
                    + " to a later transaction " + previous);
            }
            tx = previous;
        }
        return rows;
    }

    private AccountHeads heads()
    {
        if (heads == null)
        {
            try
            {
                heads = AccountHeads.openForReading(feedDir);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException("cannot read account heads: " + e.getMessage(), e);
            }
        }
        return heads;
    }

    /**
     * @return the history row of {@code account}, the {@code i}th account {@code entry} touched. AMOUNT is signed by
     *     the direction of the change for the account: a transfer, deposit, withdraw, hold or post takes from the
     *     from side (negative) and gives to the to side (positive); a void or an expiry releases a hold, so it
     *     gives back to the from side (positive) and takes from the to side's pending credits (negative).
     */
    static HistoryEntry row(final FeedEntry entry, final int i, final long account)
    {
        final boolean ok = entry.ok();
        final boolean release = entry.op == OpType.VOID_CODE;
        if (ok && entry.op == OpType.OPEN_CODE && entry.hasTo && account == entry.to)
        {
            return new HistoryEntry(entry.txId, entry.timestamp, OpType.OPEN.name(), FeedEntry.NONE, 0,
                entry.balanceAfter(i));
        }
        if (ok && entry.hasFrom && account == entry.from)
        {
            return new HistoryEntry(entry.txId, entry.timestamp, entry.operation().name(),
                entry.hasTo ? entry.to : FeedEntry.NONE, release ? entry.amount : -entry.amount, entry.balanceAfter(i));
        }
        if (ok && entry.hasTo && account == entry.to)
        {
            return new HistoryEntry(entry.txId, entry.timestamp, entry.operation().name(),
                entry.hasFrom ? entry.from : FeedEntry.NONE, release ? -entry.amount : entry.amount, entry.balanceAfter(i));
        }
        // touched only because holds of it expired at this transaction (which may itself have been rejected)
        long counterparty = FeedEntry.NONE;
        long amount = 0;
        for (int h = 0; h < entry.expired; h++)
        {
            if (entry.expiredFrom(h) == account)
            {
                counterparty = counterparty == FeedEntry.NONE ? entry.expiredTo(h) : counterparty;
                amount += entry.expiredAmount(h);
            }
            else if (entry.expiredTo(h) == account)
            {
                counterparty = counterparty == FeedEntry.NONE ? entry.expiredFrom(h) : counterparty;
                amount -= entry.expiredAmount(h);
            }
        }
        return new HistoryEntry(entry.txId, entry.timestamp, "EXPIRE", counterparty, amount, entry.balanceAfter(i));
    }

    @Override
    public void close()
    {
        queue.close();
        if (heads != null)
        {
            heads.close();
        }
    }

    /** Hands over consecutive feed entries; checks that no id is skipped. */
    public static final class Tailer implements AutoCloseable
    {
        private final ExcerptTailer tailer;
        private long next;
        private boolean started;

        Tailer(final ExcerptTailer tailer, final long next)
        {
            this.tailer = tailer;
            this.next = next;
        }

        /** @return the transaction {@link #next} hands over next; 0 when it takes whatever the feed holds first. */
        public long nextTxId()
        {
            return next;
        }

        /**
         * Reads the next entry, if one is there.
         *
         * @return false when the feed holds nothing more yet.
         * @throws IllegalStateException when the feed skips or repeats a transaction id.
         */
        public boolean next(final FeedEntry into)
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return false;
                    }
                    try
                    {
                        into.readFrom(dc.wire().bytes());
                    }
                    catch (final IllegalStateException e)
                    {
                        throw new IllegalStateException("the feed is damaged at queue index 0x"
                            + Long.toHexString(dc.index()) + " (after transaction " + (next - 1) + "): " + e.getMessage()
                            + "; move DIR/feed away while the ledger is closed and the next open rebuilds it", e);
                    }
                }
                if (next == 0)
                {
                    next = into.txId; // tailer(0) on a feed that was empty: it starts wherever the feed starts
                }
                if (into.txId < next && !started)
                {
                    continue; // positioned before the wanted id (it was not written yet)
                }
                if (into.txId != next)
                {
                    throw new IllegalStateException("the feed hands over transaction " + into.txId + " where " + next
                        + " was expected");
                }
                started = true;
                next++;
                return true;
            }
        }

        @Override
        public void close()
        {
            tailer.close();
        }
    }
}
