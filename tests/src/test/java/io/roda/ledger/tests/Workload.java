package io.roda.ledger.tests;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import io.roda.core.OpType;
import io.roda.ledger.Operation;

/**
 * An endless, deterministic workload: operation {@code i} (1-based, equal to its transaction id in a
 * ledger that applies the workload from the start) depends only on the seed and {@code i}, so a run
 * that is killed and resumed at any id continues the same sequence.
 */
final class Workload
{
    private final long seed;
    private final int accounts;

    Workload(final long seed, final int accounts)
    {
        this.seed = seed;
        this.accounts = accounts;
    }

    Operation op(final long i)
    {
        if (i <= accounts)
        {
            return Operation.open(i);
        }
        if (i <= 2L * accounts)
        {
            return Operation.deposit(i - accounts, 1_000_000);
        }
        final SplittableRandom r = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
        final int kind = r.nextInt(100);
        final long a = 1 + r.nextInt(accounts + 2); // sometimes an account that does not exist
        if (kind < 70)
        {
            return Operation.transfer(a, 1 + r.nextInt(accounts), 1 + r.nextInt(20_000));
        }
        if (kind < 85)
        {
            return Operation.deposit(a, 1 + r.nextInt(10_000));
        }
        if (kind < 98)
        {
            return Operation.withdraw(a, 1 + r.nextInt(30_000));
        }
        return Operation.open(a);
    }

    /** Writes operations {@code from..to} (inclusive) as {@code apply} input. */
    void write(final Path file, final long from, final long to) throws IOException
    {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (long i = from; i <= to; i++)
            {
                final Operation op = op(i);
                out.write(op.type().name().toLowerCase());
                out.write(',');
                out.write(Long.toString(op.account()));
                if (op.type() == OpType.TRANSFER)
                {
                    out.write(',');
                    out.write(Long.toString(op.toAccount()));
                }
                if (op.type() != OpType.OPEN)
                {
                    out.write(',');
                    out.write(Long.toString(op.amount()));
                }
                out.newLine();
            }
        }
    }
}
