package io.roda.feed;

import java.time.Instant;
import java.util.UUID;

/**
 * The text forms of feed entries and history rows that {@code ./ledger feed} and {@code ./ledger history}
 * print; docs/FEED.md documents every column. One line per entry, no header, no trailing spaces.
 */
public final class FeedLines
{
    /** The CSV columns of a feed entry, in order. */
    public static final String FEED_COLUMNS =
        "TXID,TIMESTAMP,OPERATION,FROM,TO,AMOUNT,HOLD,TIMEOUT,LINKED,KEY,DUPLICATE_OF,BALANCES,EXPIRED,RESULT";
    /** The CSV columns of a history row, in order. */
    public static final String HISTORY_COLUMNS = "TXID,TIMESTAMP,OPERATION,COUNTERPARTY,AMOUNT,BALANCE_AFTER";

    private FeedLines()
    {
    }

    /** Appends {@code entry} as one CSV line (without the line break). */
    public static StringBuilder csv(final FeedEntry e, final StringBuilder out)
    {
        out.append(e.txId()).append(',').append(Instant.ofEpochSecond(0, e.timestamp())).append(',')
            .append(e.operation().name()).append(',');
        if (e.hasFrom())
        {
            out.append(e.from());
        }
        out.append(',');
        if (e.hasTo())
        {
            out.append(e.to());
        }
        out.append(',');
        out.append(e.amount()).append(',');
        if (e.hold() != 0)
        {
            out.append(e.hold());
        }
        out.append(',');
        if (e.opCode() == io.roda.core.OpType.HOLD_CODE)
        {
            out.append(e.timeout());
        }
        out.append(',').append(e.linked() ? 1 : 0).append(',');
        if (e.keyed())
        {
            out.append(new UUID(e.keyHi(), e.keyLo()));
        }
        out.append(',');
        if (e.duplicateOf() != 0)
        {
            out.append(e.duplicateOf());
        }
        out.append(',');
        for (int i = 0; i < e.touchedCount(); i++)
        {
            if (i > 0)
            {
                out.append(';');
            }
            out.append(e.touchedAccount(i)).append(':').append(e.balanceAfter(i)).append(':')
                .append(e.debitsPendingAfter(i)).append(':').append(e.creditsPendingAfter(i));
        }
        out.append(',');
        for (int i = 0; i < e.expiredCount(); i++)
        {
            if (i > 0)
            {
                out.append(';');
            }
            out.append(e.expiredHold(i)).append(':').append(e.expiredFrom(i)).append(':').append(e.expiredTo(i))
                .append(':').append(e.expiredAmount(i));
        }
        return out.append(',').append(e.result().name());
    }

    /** Appends {@code entry} as one JSON object (without the line break). */
    public static StringBuilder json(final FeedEntry e, final StringBuilder out)
    {
        out.append("{\"tx\":").append(e.txId())
            .append(",\"timestamp\":\"").append(Instant.ofEpochSecond(0, e.timestamp())).append('"')
            .append(",\"timestamp_ns\":").append(e.timestamp())
            .append(",\"operation\":\"").append(e.operation().name()).append('"')
            .append(",\"from\":");
        (e.hasFrom() ? out.append(e.from()) : out.append("null")).append(",\"to\":");
        (e.hasTo() ? out.append(e.to()) : out.append("null")).append(",\"amount\":").append(e.amount())
            .append(",\"hold\":").append(e.hold() == 0 ? "null" : Long.toString(e.hold()))
            .append(",\"timeout\":").append(e.opCode() == io.roda.core.OpType.HOLD_CODE ? Integer.toString(e.timeout()) : "null")
            .append(",\"linked\":").append(e.linked())
            .append(",\"key\":").append(e.keyed() ? "\"" + new UUID(e.keyHi(), e.keyLo()) + "\"" : "null")
            .append(",\"duplicate_of\":").append(e.duplicateOf() == 0 ? "null" : Long.toString(e.duplicateOf()))
            .append(",\"balances\":[");
        for (int i = 0; i < e.touchedCount(); i++)
        {
            out.append(i > 0 ? ",{" : "{").append("\"account\":").append(e.touchedAccount(i))
                .append(",\"balance\":").append(e.balanceAfter(i))
                .append(",\"debits_pending\":").append(e.debitsPendingAfter(i))
                .append(",\"credits_pending\":").append(e.creditsPendingAfter(i))
                .append(",\"previous_tx\":").append(e.previousTx(i) == 0 ? "null" : Long.toString(e.previousTx(i)))
                .append('}');
        }
        out.append("],\"expired\":[");
        for (int i = 0; i < e.expiredCount(); i++)
        {
            out.append(i > 0 ? ",{" : "{").append("\"hold\":").append(e.expiredHold(i))
                .append(",\"from\":").append(e.expiredFrom(i)).append(",\"to\":").append(e.expiredTo(i))
                .append(",\"amount\":").append(e.expiredAmount(i)).append('}');
        }
        return out.append("],\"result\":\"").append(e.result().name()).append("\"}");
    }

    /** Appends one history row as CSV (without the line break). */
    public static StringBuilder csv(final LedgerFeed.HistoryEntry row, final StringBuilder out)
    {
        out.append(row.txId()).append(',').append(Instant.ofEpochSecond(0, row.timestamp())).append(',')
            .append(row.operation()).append(',');
        return account(row.counterparty(), out).append(',').append(row.amount()).append(',').append(row.balanceAfter());
    }

    /** Appends one history row as a JSON object (without the line break). */
    public static StringBuilder json(final LedgerFeed.HistoryEntry row, final StringBuilder out)
    {
        out.append("{\"tx\":").append(row.txId())
            .append(",\"timestamp\":\"").append(Instant.ofEpochSecond(0, row.timestamp())).append('"')
            .append(",\"operation\":\"").append(row.operation()).append('"')
            .append(",\"counterparty\":");
        return jsonAccount(row.counterparty(), out).append(",\"amount\":").append(row.amount())
            .append(",\"balance_after\":").append(row.balanceAfter()).append('}');
    }

    private static StringBuilder account(final long account, final StringBuilder out)
    {
        return account == FeedEntry.NONE ? out : out.append(account);
    }

    private static StringBuilder jsonAccount(final long account, final StringBuilder out)
    {
        return account == FeedEntry.NONE ? out.append("null") : out.append(account);
    }
}
