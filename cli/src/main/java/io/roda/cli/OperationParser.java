package io.roda.cli;

import java.math.BigInteger;

import io.roda.core.OpType;

/**
 * Parses one CSV line of {@code apply}'s input (docs/SEMANTICS.md has the grammar):
 * <pre>
 *   open,ACCOUNT[,overdraft=N]          deposit,ACCOUNT,AMOUNT        withdraw,ACCOUNT,AMOUNT
 *   transfer,FROM,TO,AMOUNT             hold,FROM,TO,AMOUNT[,timeout=S]
 *   post,HOLD_TXID[,AMOUNT]             void,HOLD_TXID
 *   options after the positional fields, any order, each at most once:
 *   key=K (not on open; a UUID, or a decimal integer in 1..2^128-1) and linked (ties it to the next line)
 * </pre>
 * Blank lines and lines starting with {@code #} are skipped. Fields may be surrounded by spaces. Numbers
 * are an optional sign and ASCII digits {@code 0-9} only: other Unicode digits are rejected, not read as
 * their values. Text quoted in an error is cut to 80 characters.
 */
final class OperationParser
{
    private static final BigInteger MAX_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    int type;
    long account;
    long toAccount;
    long amount;
    int timeout;
    boolean keyed;
    long keyHi;
    long keyLo;
    boolean linked;
    String error;

    /** @return true for an operation (fields set), false for a skipped or bad line ({@link #error} set when bad). */
    boolean parse(final String line)
    {
        error = null;
        final String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.charAt(0) == '#')
        {
            return false;
        }
        final String[] fields = trimmed.split(",", -1);
        final String name = fields[0].strip();
        final int minPositional;
        final int maxPositional;
        switch (name)
        {
            case "open": type = OpType.OPEN_CODE; minPositional = 1; maxPositional = 1; break;
            case "deposit": type = OpType.DEPOSIT_CODE; minPositional = 2; maxPositional = 2; break;
            case "withdraw": type = OpType.WITHDRAW_CODE; minPositional = 2; maxPositional = 2; break;
            case "transfer": type = OpType.TRANSFER_CODE; minPositional = 3; maxPositional = 3; break;
            case "hold": type = OpType.HOLD_CODE; minPositional = 3; maxPositional = 3; break;
            case "post": type = OpType.POST_CODE; minPositional = 1; maxPositional = 2; break;
            case "void": type = OpType.VOID_CODE; minPositional = 1; maxPositional = 1; break;
            default:
                error = "unknown operation " + InputLines.quote(name)
                    + " (expected open, deposit, withdraw, transfer, hold, post or void)";
                return false;
        }
        int positional = 0;
        while (positional + 1 < fields.length && !isOption(fields[positional + 1], positional + 1 > minPositional))
        {
            positional++;
        }
        for (int i = positional + 1; i < fields.length && positional < minPositional; i++)
        {
            final String f = fields[i].strip();
            if (!f.isEmpty() && !isOption(f, true))
            {
                error = "field " + InputLines.quote(f) + " follows an option: positional fields come first";
                return false;
            }
        }
        if (positional < minPositional || positional > maxPositional)
        {
            error = name + " takes " + (minPositional == maxPositional ? String.valueOf(minPositional + 1)
                : (minPositional + 1) + " or " + (maxPositional + 1)) + " fields, found " + (positional + 1)
                + (fields.length > positional + 1 ? " (and options)" : "");
            return false;
        }
        toAccount = 0;
        amount = 0;
        timeout = 0;
        keyed = false;
        keyHi = 0;
        keyLo = 0;
        linked = false;
        try
        {
            account = number(fields[1], type == OpType.POST_CODE || type == OpType.VOID_CODE ? "hold id" : "account");
            switch (type)
            {
                case OpType.TRANSFER_CODE:
                case OpType.HOLD_CODE:
                    toAccount = number(fields[2], "to account");
                    amount = number(fields[3], "amount");
                    break;
                case OpType.DEPOSIT_CODE:
                case OpType.WITHDRAW_CODE:
                    amount = number(fields[2], "amount");
                    break;
                case OpType.POST_CODE:
                    amount = positional == 2 ? number(fields[2], "amount") : 0;
                    break;
                default:
                    break;
            }
            boolean seenOverdraft = false;
            boolean seenTimeout = false;
            for (int i = positional + 1; i < fields.length; i++)
            {
                final String option = fields[i].strip();
                if (option.isEmpty())
                {
                    throw new IllegalArgumentException("empty field " + (i + 1) + " (a stray comma?)");
                }
                if (!isOption(option, true))
                {
                    throw new IllegalArgumentException("field " + InputLines.quote(option)
                        + " follows an option: positional fields come first");
                }
                final int eq = option.indexOf('=');
                final String key = eq < 0 ? option : option.substring(0, eq).strip();
                final String value = eq < 0 ? null : option.substring(eq + 1).strip();
                switch (key)
                {
                    case "linked":
                        if (value != null)
                        {
                            throw new IllegalArgumentException("option linked takes no value");
                        }
                        once(linked, "linked");
                        linked = true;
                        break;
                    case "key":
                        once(keyed, "key");
                        if (type == OpType.OPEN_CODE)
                        {
                            throw new IllegalArgumentException("option key does not belong to open");
                        }
                        parseKey(value);
                        keyed = true;
                        break;
                    case "overdraft":
                        once(seenOverdraft, "overdraft");
                        seenOverdraft = true;
                        if (type != OpType.OPEN_CODE)
                        {
                            throw new IllegalArgumentException("option overdraft does not belong to " + name);
                        }
                        amount = number(value, "overdraft");
                        if (amount < 0)
                        {
                            throw new IllegalArgumentException("overdraft " + InputLines.quote(value)
                                + " is negative (it must be in 0..2^63-1)");
                        }
                        break;
                    case "timeout":
                        once(seenTimeout, "timeout");
                        seenTimeout = true;
                        if (type != OpType.HOLD_CODE)
                        {
                            throw new IllegalArgumentException("option timeout does not belong to " + name);
                        }
                        final long seconds = number(value, "timeout");
                        if (seconds < 0 || seconds > Integer.MAX_VALUE)
                        {
                            throw new IllegalArgumentException("timeout " + InputLines.quote(value)
                                + " is out of range (seconds in 0..2^31-1)");
                        }
                        timeout = (int)seconds;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + InputLines.quote(key)
                            + " (expected key=K, linked, overdraft=N on open, timeout=S on hold)");
                }
            }
        }
        catch (final IllegalArgumentException e)
        {
            error = e.getMessage();
            return false;
        }
        return true;
    }

    /** @param optional whether a positional field may end here: then a word is taken as an (unknown) option. */
    private static boolean isOption(final String field, final boolean optional)
    {
        final String f = field.strip();
        return f.indexOf('=') >= 0 || f.equals("linked") || (optional && !f.isEmpty() && Character.isLetter(f.charAt(0)));
    }

    private static void once(final boolean seen, final String option)
    {
        if (seen)
        {
            throw new IllegalArgumentException("option " + option + " appears twice");
        }
    }

    /** Parses K: a UUID (8-4-4-4-12 hex digits, any case) or a decimal integer in 1..2^128-1. */
    private void parseKey(final String value)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException("option key needs a value: key=UUID or key=1..2^128-1");
        }
        if (value.length() == 36 && value.charAt(8) == '-' && value.charAt(13) == '-' && value.charAt(18) == '-'
            && value.charAt(23) == '-')
        {
            long hi = 0;
            long lo = 0;
            int digits = 0;
            for (int i = 0; i < value.length(); i++)
            {
                final char c = value.charAt(i);
                if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23))
                {
                    continue;
                }
                final int d = Character.digit(c, 16);
                if (d < 0 || c > 'f')
                {
                    throw new IllegalArgumentException("key " + InputLines.quote(value) + " is not a UUID (hex digits only)");
                }
                if (digits < 16)
                {
                    hi = (hi << 4) | d;
                }
                else
                {
                    lo = (lo << 4) | d;
                }
                digits++;
            }
            if (hi == 0 && lo == 0)
            {
                throw new IllegalArgumentException("key 0 is not a key (keys are 1..2^128-1)");
            }
            keyHi = hi;
            keyLo = lo;
            return;
        }
        for (int i = 0; i < value.length(); i++)
        {
            if (value.charAt(i) < '0' || value.charAt(i) > '9')
            {
                throw new IllegalArgumentException("key " + InputLines.quote(value)
                    + " is neither a UUID nor a decimal integer in 1..2^128-1");
            }
        }
        final BigInteger k = new BigInteger(value);
        if (k.signum() == 0)
        {
            throw new IllegalArgumentException("key 0 is not a key (keys are 1..2^128-1)");
        }
        if (k.compareTo(MAX_KEY) > 0)
        {
            throw new IllegalArgumentException("key " + InputLines.quote(value) + " is out of range (1..2^128-1)");
        }
        keyHi = k.shiftRight(64).longValue();
        keyLo = k.longValue();
    }

    private static long number(final String field, final String what)
    {
        final String text = field == null ? "" : field.strip();
        final int length = text.length();
        int i = 0;
        final boolean negative = length > 0 && text.charAt(0) == '-';
        if (length > 0 && (negative || text.charAt(0) == '+'))
        {
            i = 1;
        }
        if (i == length)
        {
            throw notAnInteger(text, what);
        }
        long value = 0; // accumulated negatively: Long.MIN_VALUE has no positive counterpart
        for (; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                if (Character.isDigit(c))
                {
                    throw new IllegalArgumentException(what + " " + InputLines.quote(text)
                        + " has a non-ASCII digit (only 0-9 are accepted)");
                }
                throw notAnInteger(text, what);
            }
            final int digit = c - '0';
            if (value < (Long.MIN_VALUE + digit) / 10)
            {
                throw notAnInteger(text, what);
            }
            value = value * 10 - digit;
        }
        if (!negative)
        {
            if (value == Long.MIN_VALUE)
            {
                throw notAnInteger(text, what);
            }
            return -value;
        }
        return value;
    }

    private static IllegalArgumentException notAnInteger(final String text, final String what)
    {
        return new IllegalArgumentException(what + " " + InputLines.quote(text) + " is not a 64-bit integer");
    }
}
