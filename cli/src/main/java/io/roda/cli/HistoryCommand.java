package io.roda.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

import io.roda.feed.FeedLines;
import io.roda.feed.LedgerFeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ledger history --data DIR --account N [--limit K] [--before TXID]}: an account's transactions. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"Print the applied transactions that touched an account, newest first, from the feed of DIR:",
        FeedLines.HISTORY_COLUMNS,
        "AMOUNT is signed by the direction of the change for the account: negative when it pays or holds, positive",
        "when it receives or a hold of its is voided or expires (the reverse for the hold's to account); 0 for OPEN.",
        "OPERATION EXPIRE: a hold of the account expired just before that transaction. BALANCE_AFTER is the posted",
        "balance after the transaction. Covers what the feed still holds. No header line."})
final class HistoryCommand implements Callable<Integer>
{
    @ParentCommand
    LedgerCli cli;

    @picocli.CommandLine.Mixin
    FeedSource source;

    @Option(names = "--account", required = true, paramLabel = "N", description = "The account (0: the system account).")
    long account;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "K", description = "Most rows (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--before", defaultValue = "0", paramLabel = "TXID",
        description = "Only transactions with a lower id (default: no bound).")
    long before;


    @Override
    public Integer call() throws Exception
    {
        return FeedSource.guarded("history", cli.env().stderr(), this::run);
    }

    private Integer run()
    {
        final PrintStream err = cli.env().stderr();
        if (!source.usable(cli.env().stderr()))
        {
            return LedgerCli.USAGE;
        }
        final boolean json = source.json();
        if (account < 0)
        {
            err.println("--account must be 0 (the system account) or more, was " + account);
            return LedgerCli.USAGE;
        }
        if (limit < 1)
        {
            err.println("--limit must be at least 1, was " + limit);
            return LedgerCli.USAGE;
        }
        if (before < 0 || cliGaveZeroBefore())
        {
            err.println("--before must be a transaction id (1 or more), was " + before);
            return LedgerCli.USAGE;
        }
        final List<LedgerFeed.HistoryEntry> rows;
        try (LedgerFeed feed = LedgerFeed.open(source.data))
        {
            rows = feed.history(account, limit, before);
        }
        catch (final IllegalArgumentException e)
        {
            err.println("history: " + e.getMessage());
            return LedgerCli.USAGE;
        }
        catch (final IllegalStateException e)
        {
            err.println("history: " + e.getMessage());
            return LedgerCli.DATA_INVALID;
        }
        final StringBuilder out = new StringBuilder(rows.size() * 64);
        for (final LedgerFeed.HistoryEntry row : rows)
        {
            (json ? FeedLines.json(row, out) : FeedLines.csv(row, out)).append('\n');
        }
        cli.env().stdout().print(out);
        cli.env().stdout().flush();
        return LedgerCli.OK;
    }

    private boolean cliGaveZeroBefore()
    {
        return before == 0 && spec != null && spec.commandLine().getParseResult().hasMatchedOption("--before");
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
}
