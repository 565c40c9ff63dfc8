package io.roda.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.roda.common.Result;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ledger apply --data DIR --input FILE}: validates the whole input first (nothing is applied if
 * any line is malformed), then streams it into the ledger and prints {@code TXID,RESULT} per operation,
 * in input order, each only once its transaction is committed.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Apply operations from a CSV file (- for stdin), one per line:",
        "  open,ACCOUNT | deposit,ACCOUNT,AMOUNT | withdraw,ACCOUNT,AMOUNT | transfer,FROM,TO,AMOUNT",
        "Prints TXID,RESULT per operation once it is committed to disk. Exit 0 when all are committed."})
final class ApplyCommand implements Callable<Integer>
{
    private static final int MAX_REPORTED_ERRORS = 20;
    private static final int WINDOW = 1 << 16;

    @Option(names = "--data", required = true, description = "Ledger directory (created if absent).")
    Path data;

    @Option(names = "--input", required = true, description = "CSV input file, or - for standard input.")
    String input;

    @Option(names = "--max-accounts", description = "Most accounts; a new DIR stores it (default 1048576), an "
        + "existing DIR uses its stored value (a different one is refused).")
    Long maxAccounts;

    @Override
    public Integer call() throws IOException
    {
        final PrintStream err = System.err;
        Path source;
        Path spooled = null;
        if ("-".equals(input))
        {
            spooled = Files.createTempFile("roda-apply-", ".csv");
            source = spooled;
        }
        else
        {
            source = Path.of(input);
            if (!Files.isRegularFile(source))
            {
                err.println("input file " + source + " does not exist or is not a file");
                return 2;
            }
        }
        try
        {
            final long operations = validate(spooled != null, source, err);
            if (operations < 0)
            {
                return 2;
            }
            return apply(source, err);
        }
        finally
        {
            if (spooled != null)
            {
                Files.deleteIfExists(spooled);
            }
        }
    }

    /** First pass: every line must parse. Spools stdin to {@code source} when reading it. */
    private long validate(final boolean fromStdin, final Path source, final PrintStream err) throws IOException
    {
        final OperationParser parser = new OperationParser();
        long lineNumber = 0;
        long errors = 0;
        long operations = 0;
        try (BufferedReader reader = fromStdin
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16)
            : Files.newBufferedReader(source, StandardCharsets.UTF_8);
            BufferedWriter spool = fromStdin ? Files.newBufferedWriter(source, StandardCharsets.UTF_8) : null)
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lineNumber++;
                if (spool != null)
                {
                    spool.write(line);
                    spool.newLine();
                }
                if (parser.parse(line))
                {
                    operations++;
                }
                else if (parser.error != null)
                {
                    if (++errors <= MAX_REPORTED_ERRORS)
                    {
                        err.println("line " + lineNumber + ": " + parser.error);
                    }
                }
            }
        }
        if (errors > 0)
        {
            if (errors > MAX_REPORTED_ERRORS)
            {
                err.println("... and " + (errors - MAX_REPORTED_ERRORS) + " more malformed lines");
            }
            err.println("nothing applied: " + errors + " malformed line(s)");
            return -1;
        }
        return operations;
    }

    private int apply(final Path source, final PrintStream err) throws IOException
    {
        final OperationParser parser = new OperationParser();
        final long[] ids = new long[WINDOW];
        final OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        final byte[] line = new byte[64];
        long submitted = 0;
        long printed = 0;
        try (Ledger ledger = Ledger.open(maxAccounts == null ? LedgerConfig.builder(data).build()
            : LedgerConfig.builder(data).maxAccounts(maxAccounts).build());
            BufferedReader reader = Files.newBufferedReader(source, StandardCharsets.UTF_8))
        {
            String text;
            while ((text = reader.readLine()) != null)
            {
                if (!parser.parse(text))
                {
                    continue;
                }
                if (submitted - printed == WINDOW)
                {
                    printed = print(ledger, ids, printed, submitted, true, out, line);
                }
                ids[(int)(submitted & (WINDOW - 1))] = submitTo(ledger, parser);
                submitted++;
                if ((submitted & 1023) == 0)
                {
                    printed = print(ledger, ids, printed, submitted, false, out, line);
                }
            }
            while (printed < submitted)
            {
                printed = print(ledger, ids, printed, submitted, true, out, line);
            }
        }
        catch (final LedgerException e)
        {
            out.flush();
            err.println("ledger error after " + printed + " committed operation(s): " + e.getMessage());
            return 3;
        }
        out.flush();
        return 0;
    }

    private static long submitTo(final Ledger ledger, final OperationParser op)
    {
        switch (op.type)
        {
            case 1: return ledger.openAccount(op.account);
            case 2: return ledger.deposit(op.account, op.amount);
            case 3: return ledger.withdraw(op.account, op.amount);
            default: return ledger.transfer(op.account, op.toAccount, op.amount);
        }
    }

    /** Prints every committed line from {@code printed} on; with {@code block}, waits for at least one. */
    private static long print(final Ledger ledger, final long[] ids, final long printed, final long submitted,
        final boolean block, final OutputStream out, final byte[] line) throws IOException
    {
        long next = printed;
        int idle = 0;
        while (next < submitted)
        {
            final long id = ids[(int)(next & (WINDOW - 1))];
            if (ledger.commitIndex() < id)
            {
                if (!block || next > printed)
                {
                    break;
                }
                try
                {
                    ledger.await(id, Level.COMMITTED, Duration.ofSeconds(1)); // throws if the ledger failed
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new LedgerException("interrupted waiting for transaction " + id + " to commit", e);
                }
                continue;
            }
            final Result result = ledger.status(id).result();
            int at = writeLong(line, 0, id);
            line[at++] = ',';
            final String name = result == null ? "UNKNOWN" : result.name();
            for (int i = 0; i < name.length(); i++)
            {
                line[at++] = (byte)name.charAt(i);
            }
            line[at++] = '\n';
            out.write(line, 0, at);
            next++;
        }
        if (next > printed)
        {
            out.flush();
        }
        return next;
    }

    private static int writeLong(final byte[] dst, final int offset, final long value)
    {
        final String s = Long.toString(value);
        for (int i = 0; i < s.length(); i++)
        {
            dst[offset + i] = (byte)s.charAt(i);
        }
        return offset + s.length();
    }
}
