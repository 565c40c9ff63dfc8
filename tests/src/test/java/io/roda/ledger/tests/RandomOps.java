package io.roda.ledger.tests;

import java.util.SplittableRandom;

import io.roda.core.OpType;
import io.roda.ledger.Operation;

/** Random operations that reach every result code and the numeric boundaries. */
final class RandomOps
{
    private final SplittableRandom random;
    private final int accounts;

    RandomOps(final long seed, final int accounts)
    {
        this.random = new SplittableRandom(seed);
        this.accounts = accounts;
    }

    Operation next()
    {
        final int kind = random.nextInt(100);
        final OpType type = kind < 10 ? OpType.OPEN : kind < 35 ? OpType.DEPOSIT : kind < 50 ? OpType.WITHDRAW : OpType.TRANSFER;
        final long a = account();
        final long b = random.nextInt(20) == 0 ? a : account();
        return new Operation(type, a, type == OpType.TRANSFER ? b : 0, type == OpType.OPEN ? 0 : amount());
    }

    private long account()
    {
        switch (random.nextInt(40))
        {
            case 0: return 0;
            case 1: return -1 - random.nextInt(5);
            case 2: return Long.MIN_VALUE;
            case 3: return Long.MAX_VALUE;
            default: return 1 + random.nextInt(accounts);
        }
    }

    private long amount()
    {
        switch (random.nextInt(30))
        {
            case 0: return 0;
            case 1: return -random.nextInt(1000);
            case 2: return Long.MIN_VALUE;
            case 3: return Long.MAX_VALUE;
            case 4: return Long.MAX_VALUE - random.nextInt(1000);
            case 5: return Long.MAX_VALUE / 2 + random.nextInt(1000);
            default: return 1 + random.nextInt(10_000);
        }
    }
}
