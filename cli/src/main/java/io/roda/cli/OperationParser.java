package io.roda.cli;

import io.roda.common.OpType;

/**
 * Parses one CSV line of {@code apply}'s input without allocating per field:
 * {@code open,ACCOUNT} · {@code deposit,ACCOUNT,AMOUNT} · {@code withdraw,ACCOUNT,AMOUNT} ·
 * {@code transfer,FROM,TO,AMOUNT}. Blank lines and lines starting with {@code #} are skipped.
 * Fields may be surrounded by spaces.
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
                error = "unknown operation '" + name + "' (expected open, deposit, withdraw or transfer)";
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
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(what + " '" + text + "' is not a 64-bit integer");
        }
    }
}
