package io.roda.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.roda.feed.FeedEntry;
import io.roda.feed.FeedLines;
import io.roda.feed.LedgerFeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ledger feed --data DIR [--from TXID] [--follow] [--format csv|json]}: the committed-transaction feed. */
@Command(name = "feed", mixinStandardHelpOptions = true,
    description = {"Print one line per committed transaction from the feed of DIR (a ledger opened with --feed),",
        "in transaction order, also while another process writes it. CSV columns (docs/FEED.md):",
        FeedLines.FEED_COLUMNS,
        "BALANCES is ACCOUNT:BALANCE:DEBITS_PENDING:CREDITS_PENDING per account the transaction changed, ';'-separated;",
        "EXPIRED is HOLD:FROM:TO:AMOUNT per hold that expired right before it. No header line."})
final class FeedCommand implements Callable<Integer>
{
    /** New commits show up within a millisecond: 100 spins, 100 yields, then parks of 100 us. */
    private static final io.roda.common.BackOff FOLLOW = new io.roda.common.BackOff(100, 100, 100_000, 100_000, 1);

    @ParentCommand
    LedgerCli cli;

    @picocli.CommandLine.Mixin
    FeedSource source;

    @Option(names = "--from", defaultValue = "0", paramLabel = "TXID",
        description = "First transaction to print (default: the first the feed holds).")
    long from;

    @Option(names = "--follow", description = "Keep printing new commits as they arrive, until interrupted.")
    boolean follow;


    @Override
    public Integer call() throws Exception
    {
        return FeedSource.guarded("feed", cli.env().stderr(), this::run);
    }

    private Integer run()
    {
        if (!source.usable(cli.env().stderr()))
        {
            return LedgerCli.USAGE;
        }
        final boolean json = source.json();
        if (from < 0)
        {
            cli.env().stderr().println("--from must be a transaction id (1 or more), was " + from);
            return LedgerCli.USAGE;
        }
        final PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(cli.env().stdout(),
            StandardCharsets.UTF_8), 1 << 16));
        try (LedgerFeed feed = LedgerFeed.open(source.data); LedgerFeed.Tailer tailer = feed.tailer(from))
        {
            final FeedEntry entry = new FeedEntry();
            final StringBuilder line = new StringBuilder(256);
            int idle = 0;
            while (true)
            {
                if (tailer.next(entry))
                {
                    idle = 0;
                    line.setLength(0);
                    (json ? FeedLines.json(entry, line) : FeedLines.csv(entry, line)).append('\n');
                    out.write(line.toString());
                    continue;
                }
                out.flush();
                if (out.checkError())
                {
                    return LedgerCli.OK; // the reader went away (a closed pipe)
                }
                if (!follow || Thread.currentThread().isInterrupted())
                {
                    return LedgerCli.OK;
                }
                idle = FOLLOW.idle(idle);
            }
        }
        catch (final IllegalArgumentException | IllegalStateException e)
        {
            out.flush();
            cli.env().stderr().println("feed: " + e.getMessage());
            return e instanceof IllegalArgumentException ? LedgerCli.USAGE : LedgerCli.DATA_INVALID;
        }
        finally
        {
            out.flush();
        }
    }
}
