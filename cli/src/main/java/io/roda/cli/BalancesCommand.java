package io.roda.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

import io.roda.ledger.DirectoryInUseException;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Recovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code ledger balances --data DIR}: every open account and the system account 0, sorted by id. */
@Command(name = "balances", mixinStandardHelpOptions = true,
    description = {"Print ACCOUNT,BALANCE for every open account and the system account 0, sorted by account id.",
        "With --pending: ACCOUNT,BALANCE,DEBITS_PENDING,CREDITS_PENDING (the sums of active holds)."})
final class BalancesCommand implements Callable<Integer>
{
    @ParentCommand
    LedgerCli cli;

    @Mixin
    DataDirectory data;

    @picocli.CommandLine.Option(names = "--pending", description = "Also print each account's pending sums.")
    boolean pending;

    @Override
    public Integer call()
    {
        if (!data.usable(cli.env().stderr()))
        {
            return LedgerCli.USAGE;
        }
        final Recovery.Recovered recovered;
        try
        {
            recovered = Recovery.recover(data.path, data.maxAccounts(), null);
        }
        catch (final DirectoryInUseException e)
        {
            System.err.println("directory in use: " + e.getMessage());
            return DataDirectory.EXIT_IN_USE;
        }
        catch (final LedgerException e)
        {
            cli.env().stderr().println("recovery failed: " + LedgerCli.describe(e));
            return LedgerCli.DATA_INVALID;
        }
        final int n = (int)recovered.state().accountCount() + 1;
        final long[][] rows = new long[n][];
        final int[] at = new int[1];
        recovered.state().forEachAccount((account, balance, dp, cp, od, lastTx) ->
            rows[at[0]++] = new long[] {account, balance, dp, cp});
        Arrays.sort(rows, 0, at[0], (a, b) -> Long.compare(a[0], b[0]));
        final PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(cli.env().stdout(), StandardCharsets.UTF_8), 1 << 16));
        for (int i = 0; i < at[0]; i++)
        {
            out.print(rows[i][0]);
            out.print(',');
            if (pending)
            {
                out.print(rows[i][1]);
                out.print(',');
                out.print(rows[i][2]);
                out.print(',');
                out.println(rows[i][3]);
            }
            else
            {
                out.println(rows[i][1]);
            }
        }
        out.flush();
        return LedgerCli.OK;
    }
}
