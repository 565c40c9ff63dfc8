package io.roda.feed;

import java.util.Arrays;

import io.roda.core.OpType;
import io.roda.core.Result;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One committed transaction as the feed holds it: a reused, mutable view that {@link LedgerFeed.Tailer}
 * fills. docs/FEED.md describes every field; docs/FORMATS.md the bytes.
 *
 * <p>Encoding (one Chronicle Queue document; fixed-width fields little-endian; "v" is a signed long as
 * zig-zag then unsigned LEB128, 1 to 10 bytes):
 * <pre>
 *   version (1) = 1 | op (1) | result (1) | flags (1: LINKED 1, KEYED 2) | txId (8) | timestamp (8)
 *   [from v] | [to v] | amount v | hold v | timeout v | duplicateOf v | [keyHi (8) | keyLo (8)] when KEYED
 *   n v, then n touched accounts: account v | balance v | debitsPending v | creditsPending v | txId - previous v
 *   m v, then m expired holds: holdId v | from v | to v | amount v
 * </pre>
 * Nothing follows the last field.
 * {@code from}/{@code to} are written only when present (flags HAS_FROM 4, HAS_TO 8): an open has no from, a
 * tick neither, a post or void of an unknown hold neither (any value, -1 included, is a valid submitted account).
 * The previous transaction of a touched account is 0 when the feed holds none before (delta = txId).
 */
public final class FeedEntry
{
    /** The encoding's version byte. */
    public static final int VERSION = 1;
    /** In a history row: no counterparty (an open). Inside the stage: no account on this side. */
    public static final long NONE = -1;
    /** Flag: linked to the next transaction (a chain member that is not the last). */
    public static final int LINKED = 1;
    /** Flag: carries an idempotency key. */
    public static final int KEYED = 2;
    /** Encoding flag: the entry has a from side. */
    static final int HAS_FROM = 4;
    /** Encoding flag: the entry has a to side. */
    static final int HAS_TO = 8;

    long txId;
    long timestamp;
    int op;
    int result;
    int flags;
    long from;
    long to;
    boolean hasFrom;
    boolean hasTo;
    long amount;
    long hold;
    int timeout;
    long duplicateOf;
    long keyHi;
    long keyLo;
    int touched;
    long[] accounts = new long[4];
    long[] balances = new long[4];
    long[] debitsPending = new long[4];
    long[] creditsPending = new long[4];
    long[] previous = new long[4];
    int expired;
    long[] expiredHolds = new long[4]; // quads: hold, from, to, amount

    /** @return the transaction id. */
    public long txId()
    {
        return txId;
    }

    /** @return ledger time of the transaction, ns since the epoch. */
    public long timestamp()
    {
        return timestamp;
    }

    /** @return the operation's type code ({@link OpType}). */
    public int opCode()
    {
        return op;
    }

    /** @return the operation. */
    public OpType operation()
    {
        return OpType.fromCode(op);
    }

    /** @return the result's code ({@link Result}). */
    public int resultCode()
    {
        return result;
    }

    /** @return the result. */
    public Result result()
    {
        return Result.fromCode(result);
    }

    /** @return whether it applied. */
    public boolean ok()
    {
        return result == Result.OK.code();
    }

    /** @return whether it is a chain member linked to the next transaction. */
    public boolean linked()
    {
        return (flags & LINKED) != 0;
    }

    /** @return whether it carries an idempotency key. */
    public boolean keyed()
    {
        return (flags & KEYED) != 0;
    }

    /**
     * @return the debited side: a transfer's or hold's from account, the account of a withdraw, the system
     *     account 0 for a deposit, the hold's from account for post and void (when the hold is known); 0 when
     *     {@link #hasFrom()} is false. A rejected transaction shows the account as submitted.
     */
    public long from()
    {
        return from;
    }

    /** @return whether the transaction has a debited side (an open, a tick, and post or void of an unknown hold have none). */
    public boolean hasFrom()
    {
        return hasFrom;
    }

    /** @return the credited side, as {@link #from()} mirrored; the opened account for an open. */
    public long to()
    {
        return to;
    }

    /** @return whether the transaction has a credited side (a tick, and post or void of an unknown hold have none). */
    public boolean hasTo()
    {
        return hasTo;
    }

    void from(final long account)
    {
        from = account;
        hasFrom = true;
    }

    void to(final long account)
    {
        to = account;
        hasTo = true;
    }

    /**
     * @return the amount: moved (transfer, deposit, withdraw; for post the amount posted), held (hold), released
     *     (void: the hold's amount), the overdraft granted (open); as submitted when rejected; 0 for a tick.
     */
    public long amount()
    {
        return amount;
    }

    /** @return the hold a post or void refers to (a hold's own id is its txId); else 0. */
    public long hold()
    {
        return hold;
    }

    /** @return a hold's timeout in seconds (0 never); else 0. */
    public int timeout()
    {
        return timeout;
    }

    /** @return for DUPLICATE and KEY_REUSED, the transaction that consumed the key; else 0. */
    public long duplicateOf()
    {
        return duplicateOf;
    }

    /** @return the key's high 64 bits (0 unless {@link #keyed()}). */
    public long keyHi()
    {
        return keyHi;
    }

    /** @return the key's low 64 bits (0 unless {@link #keyed()}). */
    public long keyLo()
    {
        return keyLo;
    }

    /** @return how many accounts the transaction changed (its own, then those of holds it expired). */
    public int touchedCount()
    {
        return touched;
    }

    /** @return the {@code i}th touched account. */
    public long touchedAccount(final int i)
    {
        return accounts[check(i, touched)];
    }

    /** @return its posted balance after the transaction. */
    public long balanceAfter(final int i)
    {
        return balances[check(i, touched)];
    }

    /** @return its debits pending after the transaction. */
    public long debitsPendingAfter(final int i)
    {
        return debitsPending[check(i, touched)];
    }

    /** @return its credits pending after the transaction. */
    public long creditsPendingAfter(final int i)
    {
        return creditsPending[check(i, touched)];
    }

    /** @return the previous transaction in the feed that touched it, or 0. */
    public long previousTx(final int i)
    {
        return previous[check(i, touched)];
    }

    /** @return the index of {@code account} among the touched ones, or -1. */
    public int indexOfTouched(final long account)
    {
        for (int i = 0; i < touched; i++)
        {
            if (accounts[i] == account)
            {
                return i;
            }
        }
        return -1;
    }

    /** @return how many holds expired right before this transaction (at its timestamp). */
    public int expiredCount()
    {
        return expired;
    }

    /** @return the id of the {@code i}th expired hold. */
    public long expiredHold(final int i)
    {
        return expiredHolds[4 * check(i, expired)];
    }

    /** @return its from account. */
    public long expiredFrom(final int i)
    {
        return expiredHolds[4 * check(i, expired) + 1];
    }

    /** @return its to account. */
    public long expiredTo(final int i)
    {
        return expiredHolds[4 * check(i, expired) + 2];
    }

    /** @return its amount, released from both accounts' pending sums. */
    public long expiredAmount(final int i)
    {
        return expiredHolds[4 * check(i, expired) + 3];
    }

    private static int check(final int i, final int count)
    {
        if (i < 0 || i >= count)
        {
            throw new IndexOutOfBoundsException("index " + i + " of " + count);
        }
        return i;
    }

    // ------------------------------------------------------------------------------------------ building

    void clear()
    {
        from = 0;
        to = 0;
        hasFrom = false;
        hasTo = false;
        amount = 0;
        hold = 0;
        timeout = 0;
        duplicateOf = 0;
        keyHi = 0;
        keyLo = 0;
        touched = 0;
        expired = 0;
    }

    /** Adds a touched account unless present; returns its index. */
    int touch(final long account)
    {
        final int present = indexOfTouched(account);
        if (present >= 0)
        {
            return present;
        }
        if (touched == accounts.length)
        {
            final int n = touched * 2;
            accounts = Arrays.copyOf(accounts, n);
            balances = Arrays.copyOf(balances, n);
            debitsPending = Arrays.copyOf(debitsPending, n);
            creditsPending = Arrays.copyOf(creditsPending, n);
            previous = Arrays.copyOf(previous, n);
        }
        accounts[touched] = account;
        return touched++;
    }

    void addExpired(final long holdId, final long holdFrom, final long holdTo, final long holdAmount)
    {
        if (4 * expired + 4 > expiredHolds.length)
        {
            expiredHolds = Arrays.copyOf(expiredHolds, expiredHolds.length * 2);
        }
        expiredHolds[4 * expired] = holdId;
        expiredHolds[4 * expired + 1] = holdFrom;
        expiredHolds[4 * expired + 2] = holdTo;
        expiredHolds[4 * expired + 3] = holdAmount;
        expired++;
    }

    // ------------------------------------------------------------------------------------------ encoding

    private byte[] buffer = new byte[256];
    private int at;

    void writeTo(final Bytes<?> bytes)
    {
        final int touchedBytes = touched * 50;
        final int expiredBytes = expired * 40;
        if (buffer.length < 100 + touchedBytes + expiredBytes)
        {
            buffer = new byte[Integer.highestOneBit(100 + touchedBytes + expiredBytes) << 1];
        }
        final byte[] b = buffer;
        b[0] = (byte)VERSION;
        b[1] = (byte)op;
        b[2] = (byte)result;
        b[3] = (byte)((flags & (LINKED | KEYED)) | (hasFrom ? HAS_FROM : 0) | (hasTo ? HAS_TO : 0));
        at = 4;
        putFixed(txId);
        putFixed(timestamp);
        if (hasFrom)
        {
            putVar(from);
        }
        if (hasTo)
        {
            putVar(to);
        }
        putVar(amount);
        putVar(hold);
        putVar(timeout);
        putVar(duplicateOf);
        if ((flags & KEYED) != 0)
        {
            putFixed(keyHi);
            putFixed(keyLo);
        }
        putVar(touched);
        for (int i = 0; i < touched; i++)
        {
            putVar(accounts[i]);
            putVar(balances[i]);
            putVar(debitsPending[i]);
            putVar(creditsPending[i]);
            putVar(txId - previous[i]);
        }
        putVar(expired);
        for (int i = 0; i < 4 * expired; i++)
        {
            putVar(expiredHolds[i]);
        }
        bytes.write(b, 0, at);
    }

    private void putFixed(final long value)
    {
        final byte[] b = buffer;
        int p = at;
        for (int shift = 0; shift < 64; shift += 8)
        {
            b[p++] = (byte)(value >>> shift);
        }
        at = p;
    }

    /** Zig-zag, then unsigned LEB128: 7 bits per byte, low first, the high bit set on every byte but the last. */
    private void putVar(final long value)
    {
        final byte[] b = buffer;
        long v = (value << 1) ^ (value >> 63);
        int p = at;
        while ((v & ~0x7FL) != 0)
        {
            b[p++] = (byte)((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte)v;
        at = p;
    }

    private long getFixed()
    {
        final byte[] b = buffer;
        long value = 0;
        for (int shift = 0; shift < 64; shift += 8)
        {
            value |= (b[at++] & 0xFFL) << shift;
        }
        return value;
    }

    private long getVar(final int end)
    {
        final byte[] b = buffer;
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (at >= end)
            {
                throw new IllegalStateException("feed entry " + txId + " ends inside a number");
            }
            final int x = b[at++];
            v |= (long)(x & 0x7F) << shift;
            if (x >= 0)
            {
                return (v >>> 1) ^ -(v & 1);
            }
        }
        throw new IllegalStateException("feed entry " + txId + " holds a number longer than 10 bytes");
    }

    /**
     * Fills this view from one document.
     *
     * @throws IllegalStateException when the document is not a feed entry of a known version, or is cut short.
     */
    void readFrom(final Bytes<?> bytes)
    {
        final long length = bytes.readRemaining();
        if (length < 20 || length > (1 << 26))
        {
            throw new IllegalStateException("not a feed entry: a document of " + length + " bytes");
        }
        final int n = (int)length;
        if (buffer.length < n)
        {
            buffer = new byte[Integer.highestOneBit(n) << 1];
        }
        bytes.read(buffer, 0, n);
        decode(n);
    }

    private void decode(final int end)
    {
        final byte[] b = buffer;
        final int version = b[0] & 0xFF;
        if (version != VERSION)
        {
            throw new IllegalStateException("not a feed entry of version " + VERSION + " (version byte " + version + ")");
        }
        op = b[1] & 0xFF;
        result = b[2] & 0xFF;
        final int encoded = b[3] & 0xFF;
        if ((encoded & ~(LINKED | KEYED | HAS_FROM | HAS_TO)) != 0)
        {
            throw new IllegalStateException("feed entry with unknown flags 0x" + Integer.toHexString(encoded));
        }
        flags = encoded & (LINKED | KEYED);
        hasFrom = (encoded & HAS_FROM) != 0;
        hasTo = (encoded & HAS_TO) != 0;
        at = 4;
        txId = getFixed();
        timestamp = getFixed();
        from = hasFrom ? getVar(end) : 0;
        to = hasTo ? getVar(end) : 0;
        amount = getVar(end);
        hold = getVar(end);
        timeout = (int)getVar(end);
        duplicateOf = getVar(end);
        if ((flags & KEYED) != 0)
        {
            if (at + 16 > end)
            {
                throw new IllegalStateException("feed entry " + txId + " ends inside its key");
            }
            keyHi = getFixed();
            keyLo = getFixed();
        }
        else
        {
            keyHi = 0;
            keyLo = 0;
        }
        final long n = getVar(end);
        if (n < 0 || n > end - at)
        {
            throw new IllegalStateException("feed entry " + txId + " claims " + n + " touched accounts");
        }
        touched = 0;
        for (int i = 0; i < n; i++)
        {
            final int t = touch(getVar(end));
            balances[t] = getVar(end);
            debitsPending[t] = getVar(end);
            creditsPending[t] = getVar(end);
            previous[t] = txId - getVar(end);
        }
        final long m = getVar(end);
        if (m < 0 || m > end - at)
        {
            throw new IllegalStateException("feed entry " + txId + " claims " + m + " expired holds");
        }
        expired = 0;
        for (int i = 0; i < m; i++)
        {
            addExpired(getVar(end), getVar(end), getVar(end), getVar(end));
        }
        if (at != end)
        {
            throw new IllegalStateException("feed entry " + txId + " has " + (end - at) + " bytes after its end");
        }
    }
}
