package io.roda.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import net.openhft.chronicle.bytes.Bytes;

/** {@link FeedEntry}'s encoding: every field round-trips, extremes included; damaged bodies are refused. */
class FeedEntryTest
{
    private static final long[] EXTREMES = {0, 1, -1, 63, 64, -64, -65, 127, 128, Long.MAX_VALUE, Long.MIN_VALUE,
        Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1L << 35, -(1L << 35)};

    private static long value(final SplittableRandom random)
    {
        switch (random.nextInt(3))
        {
            case 0: return EXTREMES[random.nextInt(EXTREMES.length)];
            case 1: return random.nextLong(-1000, 1000);
            default: return random.nextLong();
        }
    }

    private static FeedEntry randomEntry(final SplittableRandom random)
    {
        final FeedEntry e = new FeedEntry();
        e.clear();
        e.txId = random.nextLong(1, Long.MAX_VALUE);
        e.timestamp = value(random);
        e.op = 1 + random.nextInt(8);
        e.result = random.nextInt(16);
        e.flags = random.nextInt(4);
        if (random.nextBoolean())
        {
            e.from(value(random));
        }
        if (random.nextBoolean())
        {
            e.to(value(random));
        }
        e.amount = value(random);
        e.hold = value(random);
        e.timeout = random.nextInt();
        e.duplicateOf = value(random);
        if ((e.flags & FeedEntry.KEYED) != 0)
        {
            e.keyHi = value(random);
            e.keyLo = value(random);
        }
        final int touched = random.nextInt(7);
        for (int i = 0; i < touched; i++)
        {
            final int t = e.touch(1000L * i + random.nextInt(1000));
            e.balances[t] = value(random);
            e.debitsPending[t] = value(random);
            e.creditsPending[t] = value(random);
            e.previous[t] = random.nextBoolean() ? 0 : random.nextLong(0, e.txId);
        }
        final int expired = random.nextInt(4);
        for (int i = 0; i < expired; i++)
        {
            e.addExpired(value(random), value(random), value(random), value(random));
        }
        return e;
    }

    private static void assertSame(final FeedEntry a, final FeedEntry b)
    {
        assertEquals(a.txId(), b.txId());
        assertEquals(a.timestamp(), b.timestamp());
        assertEquals(a.opCode(), b.opCode());
        assertEquals(a.resultCode(), b.resultCode());
        assertEquals(a.linked(), b.linked());
        assertEquals(a.keyed(), b.keyed());
        assertEquals(a.hasFrom(), b.hasFrom());
        assertEquals(a.hasTo(), b.hasTo());
        assertEquals(a.from(), b.from());
        assertEquals(a.to(), b.to());
        assertEquals(a.amount(), b.amount());
        assertEquals(a.hold(), b.hold());
        assertEquals(a.timeout(), b.timeout());
        assertEquals(a.duplicateOf(), b.duplicateOf());
        assertEquals(a.keyHi(), b.keyHi());
        assertEquals(a.keyLo(), b.keyLo());
        assertEquals(a.touchedCount(), b.touchedCount());
        for (int i = 0; i < a.touchedCount(); i++)
        {
            assertEquals(a.touchedAccount(i), b.touchedAccount(i));
            assertEquals(a.balanceAfter(i), b.balanceAfter(i));
            assertEquals(a.debitsPendingAfter(i), b.debitsPendingAfter(i));
            assertEquals(a.creditsPendingAfter(i), b.creditsPendingAfter(i));
            assertEquals(a.previousTx(i), b.previousTx(i));
        }
        assertEquals(a.expiredCount(), b.expiredCount());
        for (int i = 0; i < a.expiredCount(); i++)
        {
            assertEquals(a.expiredHold(i), b.expiredHold(i));
            assertEquals(a.expiredFrom(i), b.expiredFrom(i));
            assertEquals(a.expiredTo(i), b.expiredTo(i));
            assertEquals(a.expiredAmount(i), b.expiredAmount(i));
        }
    }

    @Test
    void everyFieldRoundTrips()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final FeedEntry decoded = new FeedEntry();
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        for (int i = 0; i < 20_000; i++)
        {
            final FeedEntry e = randomEntry(random);
            bytes.clear();
            e.writeTo(bytes);
            decoded.readFrom(bytes);
            assertSame(e, decoded);
            assertEquals(0, bytes.readRemaining(), "the whole body was read");
        }
    }

    @Test
    void aPlainTransferIsCompact()
    {
        final FeedEntry e = new FeedEntry();
        e.clear();
        e.txId = 5_000_000;
        e.timestamp = 1_796_228_858_082_000_008L;
        e.op = 4;
        e.from(17);
        e.to(9_999);
        e.amount = 250;
        for (final long account : new long[] {17, 9_999})
        {
            final int t = e.touch(account);
            e.balances[t] = 1_000_000;
            e.previous[t] = 4_999_990;
        }
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        e.writeTo(bytes);
        assertTrue(bytes.readRemaining() <= 50, "a transfer's body is " + bytes.readRemaining() + " bytes");
    }

    @Test
    void damagedBodiesAreRefusedNeverMisread()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final FeedEntry decoded = new FeedEntry();
        final Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        for (int i = 0; i < 2_000; i++)
        {
            final FeedEntry e = randomEntry(random);
            bytes.clear();
            e.writeTo(bytes);
            final long length = bytes.readRemaining();
            final byte[] body = new byte[(int)length];
            bytes.read(body);
            // cut short anywhere after the fixed header: always refused
            final int cut = 20 + random.nextInt((int)length - 20);
            final Bytes<?> shorter = Bytes.wrapForRead(java.util.Arrays.copyOf(body, cut));
            assertThrows(IllegalStateException.class, () -> decoded.readFrom(shorter), "cut at " + cut + " of " + length);
            // a trailing byte: refused
            final Bytes<?> longer = Bytes.wrapForRead(java.util.Arrays.copyOf(body, (int)length + 1));
            assertThrows(IllegalStateException.class, () -> decoded.readFrom(longer));
        }
        final byte[] otherVersion = new byte[40];
        otherVersion[0] = 2;
        assertThrows(IllegalStateException.class, () -> decoded.readFrom(Bytes.wrapForRead(otherVersion)));
    }
}
