package io.roda.cli;

import io.roda.core.OpType;

/**
 * Parses one CSV line of {@code apply}'s input without allocating per field:
 * {@code open,ACCOUNT} · {@code deposit,ACCOUNT,AMOUNT} · {@code withdraw,ACCOUNT,AMOUNT} ·
 * {@code transfer,FROM,TO,AMOUNT}. Blank lines and lines starting with {@code #} are skipped.
 * Fields may be surrounded by spaces. Numbers are an optional sign and ASCII digits {@code 0-9} only:
 * other Unicode digits (Arabic-Indic, full-width, ...) are rejected, not read as their values. Text
 * quoted in an error is cut to 80 characters.
 */
final class OperationParser
{
    int type;
    long account;
    long toAccount;
    long amount;
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
        final int expected;
        switch (name)
        {
            case "open": type = OpType.OPEN_CODE; expected = 2; break;
            case "deposit": type = OpType.DEPOSIT_CODE; expected = 3; break;
            case "withdraw": type = OpType.WITHDRAW_CODE; expected = 3; break;
            case "transfer": type = OpType.TRANSFER_CODE; expected = 4; break;
            default:
                error = "unknown operation " + InputLines.quote(name) + " (expected open, deposit, withdraw or transfer)";
                return false;
        }
        if (fields.length != expected)
        {
            error = name + " takes " + expected + " fields, found " + fields.length;
            return false;
        }
        toAccount = 0;
        amount = 0;
        try
        {
            account = number(fields[1], "account");
            if (type == OpType.TRANSFER_CODE)
            {
                toAccount = number(fields[2], "to account");
                amount = number(fields[3], "amount");
            }
            else if (type != OpType.OPEN_CODE)
            {
                amount = number(fields[2], "amount");
            }
        }
        catch (final IllegalArgumentException e)
        {
            error = e.getMessage();
            return false;
        }
        return true;
    }

    private static long number(final String field, final String what)
    {
        final String text = field.strip();
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
