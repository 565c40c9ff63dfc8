package io.roda.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random payment operations aimed at every step of every precedence list: keys from a small space (so they
 * collide) and exact or altered retries of recent keyed operations, holds with short timeouts, posts and voids
 * of recent, future, foreign and rejected hold ids, accounts and amounts at the edges (0, negative, 2^63-1).
 */
public final class PaymentWorkload
{
    private static final long MAX = Long.MAX_VALUE;
    /** The random source (exposed for chain lengths and time steps). */
    public final SplittableRandom random;
    private final int accounts;
    final List<Long> holdIds = new ArrayList<>();
    final List<PaymentModel.Op> keyed = new ArrayList<>();

    /** @param accounts account ids are mostly 1..accounts. */
    public PaymentWorkload(final SplittableRandom random, final int accounts)
    {
        this.random = random;
        this.accounts = accounts;
    }

    /** Records what was submitted, so later operations can name its holds and retry its keys. */
    public void remember(final List<PaymentModel.Op> ops, final int[] results, final long firstTxId)
    {
        for (int i = 0; i < ops.size(); i++)
        {
            if (ops.get(i).type() == PaymentModel.HOLD || random.nextInt(20) == 0)
            {
                holdIds.add(firstTxId + i);
            }
            if (ops.get(i).keyed())
            {
                keyed.add(ops.get(i));
            }
        }
        if (holdIds.size() > 60)
        {
            holdIds.subList(0, 30).clear();
        }
        if (keyed.size() > 60)
        {
            keyed.subList(0, 30).clear();
        }
    }

    /** @return the next operation, assuming it becomes transaction {@code txId}. */
    public PaymentModel.Op next(final long txId)
    {
        if (!keyed.isEmpty() && random.nextInt(6) == 0)
        {
            final PaymentModel.Op old = keyed.get(keyed.size() - 1 - random.nextInt(Math.min(4, keyed.size())));
            if (random.nextBoolean())
            {
                return old; // an exact retry
            }
            return new PaymentModel.Op(old.type() == PaymentModel.VOID ? PaymentModel.POST : old.type(), old.a(),
                old.b(), old.amount() + 1, old.timeout(), true, old.keyHi(), old.keyLo());
        }
        final int kind = random.nextInt(100);
        final int type = kind < 8 ? PaymentModel.OPEN : kind < 25 ? PaymentModel.DEPOSIT : kind < 35 ? PaymentModel.WITHDRAW
            : kind < 55 ? PaymentModel.TRANSFER : kind < 72 ? PaymentModel.HOLD : kind < 86 ? PaymentModel.POST
            : kind < 97 ? PaymentModel.VOID : PaymentModel.TICK;
        final boolean keyedOp = type != PaymentModel.OPEN && type != PaymentModel.TICK && random.nextInt(3) == 0;
        final long hi = random.nextInt(4) == 0 ? random.nextLong() : 0;
        final long lo = 1 + random.nextInt(40);
        switch (type)
        {
            case PaymentModel.OPEN:
                return new PaymentModel.Op(type, account(), 0, overdraft(), 0, false, 0, 0);
            case PaymentModel.POST:
                return new PaymentModel.Op(type, holdId(txId), 0, postAmount(), 0, keyedOp, hi, lo);
            case PaymentModel.VOID:
                return new PaymentModel.Op(type, holdId(txId), 0, 0, 0, keyedOp, hi, lo);
            case PaymentModel.TICK:
                return new PaymentModel.Op(type, 0, 0, 0, 0, false, 0, 0);
            default:
            {
                final long a = account();
                final long b = random.nextInt(15) == 0 ? a : account();
                final boolean two = type == PaymentModel.TRANSFER || type == PaymentModel.HOLD;
                final int timeout = type == PaymentModel.HOLD && random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0;
                return new PaymentModel.Op(type, a, two ? b : 0, amount(), timeout, keyedOp, hi, lo);
            }
        }
    }

    long holdId(final long txId)
    {
        switch (random.nextInt(10))
        {
            case 0: return txId + random.nextInt(3);         // itself or the future
            case 1: return random.nextInt(3) - 1;             // 0, -1, 1
            default: return holdIds.isEmpty() ? txId - 1 : holdIds.get(random.nextInt(holdIds.size()));
        }
    }

    long account()
    {
        switch (random.nextInt(40))
        {
            case 0: return 0;
            case 1: return -1 - random.nextInt(3);
            case 2: return Long.MAX_VALUE;
            default: return 1 + random.nextInt(accounts);
        }
    }

    long overdraft()
    {
        switch (random.nextInt(6))
        {
            case 0: return MAX;
            case 1: return MAX - random.nextInt(100);
            case 2: return random.nextInt(1000);
            default: return 0;
        }
    }

    long amount()
    {
        switch (random.nextInt(30))
        {
            case 0: return 0;
            case 1: return -random.nextInt(1000);
            case 2: return Long.MIN_VALUE;
            case 3: return MAX;
            case 4: return MAX - random.nextInt(1000);
            case 5: return MAX / 2 + random.nextInt(1000);
            default: return 1 + random.nextInt(10_000);
        }
    }

    long postAmount()
    {
        switch (random.nextInt(10))
        {
            case 0: return -1 - random.nextInt(5);
            case 1: return MAX;
            case 2: return 1 + random.nextInt(5000);
            default: return 0;
        }
    }
}
