package io.roda.ledger.tests;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import io.roda.testkit.PaymentModel;

/**
 * An endless, deterministic payment workload for crash tests: operation {@code i} (1-based, equal to its
 * transaction id in a ledger that applies the workload from the start) depends only on the seed and {@code i},
 * so a run killed and resumed at any chain boundary continues the same sequence. It has transfers, deposits,
 * withdrawals, holds (without timeouts: a TICK would take an id and break the id-to-line mapping), posts and
 * voids of recent ids, keyed operations and exact retries of earlier keyed ones, and linked chains of 2..6
 * members starting at ids {@code 8b + 1}.
 */
final class PaymentCrashWorkload
{
    static final int BLOCK = 8;
    private final long seed;
    private final int accounts;

    PaymentCrashWorkload(final long seed, final int accounts)
    {
        this.seed = seed;
        this.accounts = accounts;
    }

    private SplittableRandom random(final long i, final long salt)
    {
        return new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L) ^ salt);
    }

    /** @return the length of the chain starting at the block of {@code i}, 1 when the block has none. */
    private int chainLength(final long blockStart)
    {
        final SplittableRandom r = random(blockStart, 0x5EED);
        return r.nextInt(4) == 0 ? 2 + r.nextInt(5) : 1;
    }

    /** @return whether operation {@code i} is linked to the next one. */
    boolean linked(final long i)
    {
        if (i <= 2L * accounts)
        {
            return false;
        }
        final long blockStart = i - ((i - 1) % BLOCK);
        return i - blockStart < chainLength(blockStart) - 1;
    }

    /** @return whether {@code i} starts a block (ids that may end one run and start the next). */
    static boolean boundary(final long i)
    {
        return (i - 1) % BLOCK == 0;
    }

    PaymentModel.Op op(final long i)
    {
        if (i <= accounts)
        {
            return new PaymentModel.Op(PaymentModel.OPEN, i, 0, i % 10 == 0 ? 5_000 : 0, 0, false, 0, 0);
        }
        if (i <= 2L * accounts)
        {
            return new PaymentModel.Op(PaymentModel.DEPOSIT, i - accounts, 0, 1_000_000, 0, false, 0, 0);
        }
        final SplittableRandom r = random(i, 0);
        if (r.nextInt(12) == 0 && !linked(i) && !linked(i - 1))
        {
            final long j = i - 1 - r.nextInt(200);
            if (j > 2L * accounts)
            {
                final PaymentModel.Op earlier = base(j);
                if (earlier.keyed())
                {
                    return earlier; // an exact retry: DUPLICATE if the first one applied
                }
            }
        }
        return base(i);
    }

    private PaymentModel.Op base(final long i)
    {
        final SplittableRandom r = random(i, 1);
        final int kind = r.nextInt(100);
        final long a = 1 + r.nextInt(accounts + 2); // sometimes an account that does not exist
        final long b = 1 + r.nextInt(accounts);
        final boolean keyed = r.nextInt(4) == 0;
        final long key = i; // unique per base operation: a key is reused only by an exact retry
        if (kind < 45)
        {
            return new PaymentModel.Op(PaymentModel.TRANSFER, a, b, 1 + r.nextInt(20_000), 0, keyed, 0, key);
        }
        if (kind < 55)
        {
            return new PaymentModel.Op(PaymentModel.DEPOSIT, a, 0, 1 + r.nextInt(10_000), 0, keyed, 0, key);
        }
        if (kind < 63)
        {
            return new PaymentModel.Op(PaymentModel.WITHDRAW, a, 0, 1 + r.nextInt(30_000), 0, keyed, 0, key);
        }
        if (kind < 80)
        {
            return new PaymentModel.Op(PaymentModel.HOLD, a, b, 1 + r.nextInt(20_000), 0, keyed, 0, key);
        }
        final long hold = i - 1 - r.nextInt(40);
        if (kind < 92)
        {
            return new PaymentModel.Op(PaymentModel.POST, hold, 0, r.nextBoolean() ? 0 : r.nextInt(25_000), 0, keyed, 0, key);
        }
        return new PaymentModel.Op(PaymentModel.VOID, hold, 0, 0, 0, keyed, 0, key);
    }

    /** @return the end of the chain that {@code i} belongs to (i itself for a single operation). */
    long chainEnd(final long i)
    {
        long end = i;
        while (linked(end))
        {
            end++;
        }
        return end;
    }

    /** Writes operations {@code from..to} (inclusive; {@code to} is moved to the end of its chain) as {@code apply} input. */
    long write(final Path file, final long from, final long to) throws IOException
    {
        final long end = chainEnd(to);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (long i = from; i <= end; i++)
            {
                out.write(line(op(i), linked(i)));
                out.newLine();
            }
        }
        return end;
    }

    static String line(final PaymentModel.Op op, final boolean linked)
    {
        final StringBuilder s = new StringBuilder();
        switch (op.type())
        {
            case PaymentModel.OPEN: s.append("open,").append(op.a()).append(",overdraft=").append(op.amount()); break;
            case PaymentModel.DEPOSIT: s.append("deposit,").append(op.a()).append(',').append(op.amount()); break;
            case PaymentModel.WITHDRAW: s.append("withdraw,").append(op.a()).append(',').append(op.amount()); break;
            case PaymentModel.TRANSFER:
                s.append("transfer,").append(op.a()).append(',').append(op.b()).append(',').append(op.amount());
                break;
            case PaymentModel.HOLD:
                s.append("hold,").append(op.a()).append(',').append(op.b()).append(',').append(op.amount());
                break;
            case PaymentModel.POST: s.append("post,").append(op.a()).append(',').append(op.amount()); break;
            case PaymentModel.VOID: s.append("void,").append(op.a()); break;
            default: throw new IllegalArgumentException("type " + op.type());
        }
        if (op.keyed())
        {
            s.append(",key=").append(new java.math.BigInteger(Long.toUnsignedString(op.keyHi())).shiftLeft(64)
                .add(new java.math.BigInteger(Long.toUnsignedString(op.keyLo()))));
        }
        if (linked)
        {
            s.append(",linked");
        }
        return s.toString();
    }
}
