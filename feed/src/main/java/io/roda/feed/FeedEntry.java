package io.roda.feed;

import java.util.Arrays;

import io.roda.core.OpType;
import io.roda.core.Result;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One committed transaction as the feed holds it: a reused, mutable view that {@link LedgerFeed.Tailer}
 * fills. docs/FEED.md describes every field; docs/FORMATS.md the bytes.
 *
 * <p>Encoding (one Chronicle Queue document, little-endian; "sb" is Chronicle's stop-bit variable-length
 * encoding of a signed long):
 * <pre>
 *   version (1) = 1 | op (1) | result (1) | flags (1: LINKED 1, KEYED 2) | txId (8) | timestamp (8)
 *   from sb | to sb | amount sb | hold sb | timeout sb | duplicateOf sb | [keyHi (8) | keyLo (8)] when KEYED
 *   n sb, then n touched accounts: account sb | balance sb | debitsPending sb | creditsPending sb | txId - previous sb
 *   m sb, then m expired holds: holdId sb | from sb | to sb | amount sb
 * </pre>
 * {@code from}/{@code to} are -1 where the operation has no such side (an open has no from; a tick neither).
 * The previous transaction of a touched account is 0 when the feed holds none before (delta = txId).
 */
public final class FeedEntry
{
    /** The encoding's version byte. */
    public static final int VERSION = 1;
    /** No account on this side. */
    public static final long NONE = -1;
    /** Flag: linked to the next transaction (a chain member that is not the last). */
    public static final int LINKED = 1;
    /** Flag: carries an idempotency key. */
    public static final int KEYED = 2;

    long txId;
    long timestamp;
    int op;
    int result;
    int flags;
    long from = NONE;
    long to = NONE;
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
     *     account 0 for a deposit, the hold's from account for post and void (when the hold is known); else
     *     {@link #NONE}.
     */
    public long from()
    {
        return from;
    }

    /** @return the credited side, as {@link #from()} mirrored; the opened account for an open. */
    public long to()
    {
        return to;
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
        from = NONE;
        to = NONE;
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

    void writeTo(final Bytes<?> bytes)
    {
        bytes.writeByte((byte)VERSION);
        bytes.writeByte((byte)op);
        bytes.writeByte((byte)result);
        bytes.writeByte((byte)flags);
        bytes.writeLong(txId);
        bytes.writeLong(timestamp);
        bytes.writeStopBit(from);
        bytes.writeStopBit(to);
        bytes.writeStopBit(amount);
        bytes.writeStopBit(hold);
        bytes.writeStopBit(timeout);
        bytes.writeStopBit(duplicateOf);
        if ((flags & KEYED) != 0)
        {
            bytes.writeLong(keyHi);
            bytes.writeLong(keyLo);
        }
        bytes.writeStopBit(touched);
        for (int i = 0; i < touched; i++)
        {
            bytes.writeStopBit(accounts[i]);
            bytes.writeStopBit(balances[i]);
            bytes.writeStopBit(debitsPending[i]);
            bytes.writeStopBit(creditsPending[i]);
            bytes.writeStopBit(txId - previous[i]);
        }
        bytes.writeStopBit(expired);
        for (int i = 0; i < 4 * expired; i++)
        {
            bytes.writeStopBit(expiredHolds[i]);
        }
    }

    /**
     * Fills this view from one document.
     *
     * @throws IllegalStateException when the document is not a feed entry of a known version.
     */
    void readFrom(final Bytes<?> bytes)
    {
        final long length = bytes.readRemaining();
        final int version = bytes.readUnsignedByte();
        if (version != VERSION || length < 20)
        {
            throw new IllegalStateException("not a feed entry of version " + VERSION + " (version byte " + version
                + ", " + length + " bytes)");
        }
        op = bytes.readUnsignedByte();
        result = bytes.readUnsignedByte();
        flags = bytes.readUnsignedByte();
        txId = bytes.readLong();
        timestamp = bytes.readLong();
        from = bytes.readStopBit();
        to = bytes.readStopBit();
        amount = bytes.readStopBit();
        hold = bytes.readStopBit();
        timeout = (int)bytes.readStopBit();
        duplicateOf = bytes.readStopBit();
        if ((flags & KEYED) != 0)
        {
            keyHi = bytes.readLong();
            keyLo = bytes.readLong();
        }
        else
        {
            keyHi = 0;
            keyLo = 0;
        }
        final long n = bytes.readStopBit();
        if (n < 0 || n > bytes.readRemaining())
        {
            throw new IllegalStateException("feed entry " + txId + " claims " + n + " touched accounts");
        }
        touched = 0;
        for (int i = 0; i < n; i++)
        {
            final int at = touch(bytes.readStopBit());
            balances[at] = bytes.readStopBit();
            debitsPending[at] = bytes.readStopBit();
            creditsPending[at] = bytes.readStopBit();
            previous[at] = txId - bytes.readStopBit();
        }
        final long m = bytes.readStopBit();
        if (m < 0 || m > bytes.readRemaining())
        {
            throw new IllegalStateException("feed entry " + txId + " claims " + m + " expired holds");
        }
        expired = 0;
        for (int i = 0; i < m; i++)
        {
            addExpired(bytes.readStopBit(), bytes.readStopBit(), bytes.readStopBit(), bytes.readStopBit());
        }
    }
}
