package io.roda.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.roda.core.OpType;
import io.roda.core.Result;
import io.roda.ledger.ChainBuilder;
import io.roda.ledger.Operation;
import io.roda.ledger.DirectoryInUseException;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.ledger.SettingsConflictException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ledger apply --data DIR --input FILE}: validates the whole input first (nothing is applied if
 * any line is malformed), then streams it into the ledger and prints {@code TXID,RESULT} per operation,
 * in input order, each only once its transaction is committed.
 *
 * <p>Input is strict UTF-8 read line by line ({@link InputLines}), from a file, a pipe or a FIFO; what
 * cannot be read twice is spooled to a temporary file during the first pass.
 *
 * <p>When the ledger fails part way (a full disk, a failed fsync), every operation the directory holds
 * is still printed with its result, and stderr says which input line was the last committed, which the
 * first not, and the root cause: a caller retries exactly the unprinted lines.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Apply operations from a CSV file (- for stdin), one per line:",
        "  open,ACCOUNT[,overdraft=N] | deposit,ACCOUNT,AMOUNT | withdraw,ACCOUNT,AMOUNT",
        "  transfer,FROM,TO,AMOUNT | hold,FROM,TO,AMOUNT[,timeout=S] | post,HOLD_TXID[,AMOUNT] | void,HOLD_TXID",
        "  options after the fields: key=K (UUID or 1..2^128-1; not on open), linked (ties a line to the next:",
        "  the chain applies all or nothing). docs/SEMANTICS.md has the rules.",
        "Input: UTF-8 (a leading byte order mark is skipped), ASCII digits; --input may be a pipe or FIFO.",
        "Prints TXID,RESULT per operation once it is committed to disk. Exit 0 when all are committed,",
        "2 when the input or an option is bad (nothing applied), 3 when the ledger failed part way:",
        "then every committed operation is still printed, and stderr names the line to resume from."})
final class ApplyCommand implements Callable<Integer>
{
    private static final int MAX_REPORTED_ERRORS = 20;
    private static final int WINDOW = 1 << 16;

    @ParentCommand
    LedgerCli cli;

    @Option(names = "--data", required = true, description = "Ledger directory (created if absent).")
    Path data;

    @Option(names = "--input", required = true, description = "CSV input file, or - for standard input.")
    String input;

    @Option(names = "--max-accounts", description = "Most accounts; a new DIR stores it (default 1048576), an "
        + "existing DIR uses its stored value (a different one is refused).")
    Long maxAccounts;

    @Option(names = "--idempotency-window", description = "Consumed idempotency keys remembered; a new DIR stores "
        + "it (default 1048576), an existing DIR uses its stored value (a different one is refused).")
    Integer idempotencyWindow;

    @Option(names = "--max-holds", description = "Holds remembered (active ones always); a new DIR stores it "
        + "(default 1048576), an existing DIR uses its stored value (a different one is refused).")
    Integer maxHolds;

    @Option(names = "--feed", description = "Also publish every committed transaction to the feed in DIR/feed "
        + "(read it with `ledger feed` and `ledger history`; docs/FEED.md).")
    boolean feed;

    private int maxChain;

    @Override
    public Integer call() throws IOException
    {
        final Environment env = cli.env();
        final PrintStream err = env.stderr();
        final String problem = DataDirectory.maxAccountsProblem(data, maxAccounts);
        if (problem != null)
        {
            err.println(problem);
            return LedgerCli.USAGE;
        }
        if (idempotencyWindow != null && (idempotencyWindow < 1 || idempotencyWindow > LedgerConfig.MAX_REMEMBERED))
        {
            err.println("--idempotency-window must be in 1.." + LedgerConfig.MAX_REMEMBERED + ", was " + idempotencyWindow);
            return LedgerCli.USAGE;
        }
        if (maxHolds != null && (maxHolds < 1 || maxHolds > LedgerConfig.MAX_REMEMBERED))
        {
            err.println("--max-holds must be in 1.." + LedgerConfig.MAX_REMEMBERED + ", was " + maxHolds);
            return LedgerCli.USAGE;
        }
        if (Files.exists(data) && !Files.isDirectory(data))
        {
            err.println("ledger directory " + data + " is not a directory");
            return LedgerCli.USAGE;
        }
        final boolean fromStdin = "-".equals(input);
        final Path file = fromStdin ? null : Path.of(input);
        if (file != null && !Files.exists(file))
        {
            err.println("input file " + file + " does not exist");
            return LedgerCli.USAGE;
        }
        if (file != null && Files.isDirectory(file))
        {
            err.println("input " + file + " is a directory, not a file");
            return LedgerCli.USAGE;
        }
        // a regular file is read twice; stdin, a pipe, a FIFO or a device only once, so it is spooled
        final Path spooled = file != null && Files.isRegularFile(file) ? null : Files.createTempFile("roda-apply-", ".csv");
        try
        {
            final long operations;
            try (InputStream in = fromStdin ? env.stdin() : Files.newInputStream(file);
                BufferedWriter spool = spooled == null ? null : Files.newBufferedWriter(spooled, StandardCharsets.UTF_8))
            {
                maxChain = env.ledgerConfig().apply(LedgerConfig.builder(data)).build().maxChain();
                operations = validate(in, spool, err, maxChain);
            }
            catch (final IOException e)
            {
                err.println("cannot read input " + (fromStdin ? "(stdin)" : file)
                    + (spooled == null ? "" : " or spool it to " + spooled) + ": " + LedgerCli.describe(e));
                return LedgerCli.USAGE;
            }
            if (operations < 0)
            {
                return LedgerCli.USAGE;
            }
            return apply(spooled != null ? spooled : file, operations, env);
        }
        finally
        {
            if (spooled != null)
            {
                Files.deleteIfExists(spooled);
            }
        }
    }

    /** First pass: every line must be UTF-8 and parse. Copies the lines to {@code spool} when given. */
    private long validate(final InputStream in, final BufferedWriter spool, final PrintStream err, final int maxChain)
        throws IOException
    {
        final OperationParser parser = new OperationParser();
        final InputLines lines = new InputLines(in);
        long errors = 0;
        long operations = 0;
        int chain = 0;               // members of the chain in progress
        long lastLinkedLine = 0;     // line of the last operation when it is linked
        try
        {
            String line;
            while ((line = lines.next()) != null)
            {
                if (spool != null)
                {
                    spool.write(line);
                    spool.write('\n');
                }
                if (parser.parse(line))
                {
                    operations++;
                    chain++;
                    if (chain == maxChain + 1 && ++errors <= MAX_REPORTED_ERRORS)
                    {
                        err.println("line " + lines.lineNumber() + ": the linked chain grows past the supported limit of "
                            + maxChain + " operations");
                    }
                    if (parser.linked)
                    {
                        lastLinkedLine = lines.lineNumber();
                    }
                    else
                    {
                        chain = 0;
                        lastLinkedLine = 0;
                    }
                }
                else if (parser.error != null)
                {
                    if (++errors <= MAX_REPORTED_ERRORS)
                    {
                        err.println("line " + lines.lineNumber() + ": " + parser.error);
                    }
                }
            }
            if (lastLinkedLine > 0 && ++errors <= MAX_REPORTED_ERRORS)
            {
                err.println("line " + lastLinkedLine + ": linked on the last operation of the input (nothing follows "
                    + "to link it to)");
            }
        }
        catch (final InputLines.InputException e)
        {
            err.println(e.getMessage());
            err.println("nothing applied: the input is not text this command can read");
            return -1;
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

    /** Second pass: submits, prints each result once committed, and on a failure says exactly how far it got. */
    private int apply(final Path source, final long operations, final Environment env) throws IOException
    {
        final PrintStream err = env.stderr();
        final Ledger ledger;
        try
        {
            final LedgerConfig.Builder config = LedgerConfig.builder(data);
            if (maxAccounts != null)
            {
                config.maxAccounts(maxAccounts); // absent: the value stored in DIR/LEDGER
            }
            if (idempotencyWindow != null)
            {
                config.idempotencyWindow(idempotencyWindow);
            }
            if (maxHolds != null)
            {
                config.maxHolds(maxHolds);
            }
            config.feed(feed);
            ledger = Ledger.open(env.ledgerConfig().apply(config).build());
        }
        catch (final DirectoryInUseException e)
        {
            err.println("nothing applied: " + LedgerCli.describe(e));
            return DataDirectory.EXIT_IN_USE;
        }
        catch (final RecoveryException e)
        {
            err.println("nothing applied: the ledger in " + data + " does not verify: " + LedgerCli.describe(e));
            return LedgerCli.DATA_INVALID;
        }
        catch (final SettingsConflictException e)
        {
            err.println("nothing applied: a setting conflicts with the ledger in " + data + ": " + e.getMessage());
            return LedgerCli.DATA_INVALID;
        }
        catch (final LedgerException e)
        {
            err.println("nothing applied: cannot open the ledger in " + data + ": " + LedgerCli.describe(e));
            return LedgerCli.LEDGER_FAILED;
        }
        catch (final IllegalStateException e)
        {
            if (!feed)
            {
                throw e;
            }
            // the feed cannot start: roda-feed missing, a JVM flag missing, a feed of another ledger
            err.println("nothing applied: cannot open the ledger in " + data + " with the feed: " + LedgerCli.describe(e));
            return LedgerCli.LEDGER_FAILED;
        }
        final Progress progress = new Progress(env.stdout());
        RuntimeException failure = null;
        try (InputStream in = Files.newInputStream(source))
        {
            final OperationParser parser = new OperationParser();
            final InputLines lines = new InputLines(in);
            final ChainBuilder chain = ledger.chainBuilder();
            final long[] chainLines = new long[maxChain];
            long seen = 0;
            String text;
            while ((text = lines.next()) != null)
            {
                if (!parser.parse(text))
                {
                    if (parser.error != null)
                    {
                        if (chain.size() == 0)
                        {
                            progress.attempting = lines.lineNumber();
                        }
                        throw changed("line " + lines.lineNumber() + ": " + parser.error);
                    }
                    continue;
                }
                if (++seen > operations)
                {
                    if (chain.size() == 0)
                    {
                        progress.attempting = lines.lineNumber();
                    }
                    throw changed("it now holds more than the " + operations + " operation(s) checked");
                }
                if (parser.linked && chain.size() == maxChain - 1)
                {
                    throw changed("line " + lines.lineNumber() + ": the linked chain grows past " + maxChain + " operations");
                }
                if (chain.size() == 0)
                {
                    progress.attempting = lines.lineNumber();
                    while (progress.submitted - progress.printed > WINDOW - LedgerConfig.MAX_CHAIN - 1)
                    {
                        progress.printCommitted(ledger, true);
                    }
                }
                if (parser.linked || chain.size() > 0)
                {
                    chainLines[chain.size()] = lines.lineNumber();
                    addTo(chain, parser);
                    if (parser.linked)
                    {
                        continue;
                    }
                    final int members = chain.size();
                    final long first = chain.submit();
                    for (int i = 0; i < members; i++)
                    {
                        progress.attempting = chainLines[i];
                        progress.submitted(first + i);
                    }
                }
                else
                {
                    progress.submitted(submitTo(ledger, parser));
                }
                if ((progress.submitted & 1023) == 0)
                {
                    progress.printCommitted(ledger, false);
                }
            }
            if (chain.size() > 0)
            {
                throw changed("line " + chainLines[chain.size() - 1] + " is linked but no operation follows it");
            }
            progress.attempting = 0;
            while (progress.printed < progress.submitted)
            {
                progress.printCommitted(ledger, true);
            }
        }
        catch (final InputLines.InputException e)
        {
            failure = new LedgerException("the input changed since it was checked: " + e.getMessage(), null);
        }
        catch (final LedgerException e)
        {
            failure = e;
        }
        finally
        {
            try
            {
                ledger.close();
            }
            catch (final LedgerException e)
            {
                if (failure == null)
                {
                    failure = e;
                }
            }
        }
        if (failure == null)
        {
            progress.flush();
            return LedgerCli.OK;
        }
        progress.reportFailure(ledger, failure, operations, err);
        return LedgerCli.LEDGER_FAILED;
    }

    private static LedgerException changed(final String what)
    {
        return new LedgerException("the input changed since it was checked: " + what, null);
    }

    private static long submitTo(final Ledger ledger, final OperationParser op)
    {
        return ledger.submit(new Operation(OpType.fromCode(op.type), op.account, op.toAccount, op.amount, op.timeout,
            op.keyed, op.keyHi, op.keyLo));
    }

    private static void addTo(final ChainBuilder chain, final OperationParser op)
    {
        chain.add(new Operation(OpType.fromCode(op.type), op.account, op.toAccount, op.amount, op.timeout, op.keyed,
            op.keyHi, op.keyLo));
    }

    /**
     * The operations submitted and not yet printed ({@code printed..submitted}, at most {@link #WINDOW}):
     * their transaction ids and input lines, and the printing of their results in input order.
     */
    private final class Progress
    {
        final long[] ids = new long[WINDOW];
        final long[] lines = new long[WINDOW];
        final PrintStream stdout;
        final OutputStream out;
        final byte[] line = new byte[64];
        long submitted;
        long printed;
        /** The input line being submitted, 0 when none. */
        long attempting;

        Progress(final PrintStream stdout)
        {
            this.stdout = stdout;
            out = new BufferedOutputStream(stdout, 1 << 16);
        }

        /** Flushes the results; a PrintStream hides write errors, so a reader that went away is checked for here. */
        void flush() throws IOException
        {
            out.flush();
            if (stdout.checkError())
            {
                throw new IOException("cannot write the results to standard output (closed?)");
            }
        }

        void submitted(final long id)
        {
            final int at = (int)(submitted & (WINDOW - 1));
            ids[at] = id;
            lines[at] = attempting;
            submitted++;
        }

        long id(final long operation)
        {
            return ids[(int)(operation & (WINDOW - 1))];
        }

        long line(final long operation)
        {
            return lines[(int)(operation & (WINDOW - 1))];
        }

        /** Prints every committed operation from {@code printed} on; with {@code block}, waits for at least one. */
        void printCommitted(final Ledger ledger, final boolean block) throws IOException
        {
            final long from = printed;
            while (printed < submitted)
            {
                final long id = id(printed);
                if (ledger.commitIndex() < id)
                {
                    if (!block || printed > from)
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
                print(id, ledger.status(id).result());
            }
            if (printed > from)
            {
                flush();
            }
        }

        private void print(final long id, final Result result) throws IOException
        {
            int at = writeLong(line, 0, id);
            line[at++] = ',';
            final String name = result == null ? "UNKNOWN" : result.name();
            for (int i = 0; i < name.length(); i++)
            {
                line[at++] = (byte)name.charAt(i);
            }
            line[at++] = '\n';
            out.write(line, 0, at);
            printed++;
        }

        /**
         * After a failure: prints every submitted operation the directory holds (up to the commit index; beyond
         * it only when the WAL could not erase a frame whose force failed, and the next open keeps it), then
         * says on stderr where it stopped and why.
         */
        void reportFailure(final Ledger ledger, final RuntimeException failure, final long operations,
            final PrintStream err) throws IOException
        {
            final long committed = ledger.commitIndex();
            long held = committed;
            String unchecked = null;
            try
            {
                final long stored = maxAccounts == null ? Recovery.USE_STORED : maxAccounts;
                held = Math.max(committed, Recovery.recover(data, stored, null).report().lastTxId());
            }
            catch (final RuntimeException e)
            {
                unchecked = LedgerCli.describe(e);
            }
            while (printed < submitted && id(printed) <= held)
            {
                print(id(printed), ledger.status(id(printed)).result());
            }
            out.flush();

            err.println("apply stopped: " + LedgerCli.describe(failure));
            err.println("cause: " + LedgerCli.rootCause(failure));
            if (printed == 0)
            {
                err.println("committed: none of this input's " + operations + " operation(s)");
            }
            else
            {
                final long last = printed - 1;
                err.println("committed: " + printed + " of " + operations + " operation(s), through line " + line(last)
                    + " (tx " + id(last) + "); each is printed above with its result");
            }
            if (held > committed && printed > 0)
            {
                err.println("note: tx " + (committed + 1) + ".." + Math.min(held, id(printed - 1))
                    + " were written but their fsync failed; they are in the directory and the next open keeps them");
            }
            if (unchecked != null)
            {
                err.println("note: could not re-read the directory (" + unchecked + "); reported up to the commit index "
                    + committed);
            }
            if (printed < submitted)
            {
                err.println("not committed: line " + line(printed) + " (tx " + id(printed) + ") and every operation after it;"
                    + " retry from line " + line(printed));
            }
            else if (attempting > 0)
            {
                err.println("not committed: line " + attempting + " (not submitted) and every operation after it;"
                    + " retry from line " + attempting);
            }
            else
            {
                err.println("not committed: none; every operation of the input is committed");
            }
        }
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
