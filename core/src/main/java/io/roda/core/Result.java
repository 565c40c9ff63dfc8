package io.roda.core;

/**
 * The outcome of one ledger operation. Checked in this order, first match wins: INVALID_ACCOUNT,
 * SAME_ACCOUNT, INVALID_AMOUNT, ACCOUNT_EXISTS, CAPACITY_EXCEEDED, ACCOUNT_NOT_FOUND, INSUFFICIENT_FUNDS,
 * OVERFLOW, else OK. The codes are part of the on-disk format: never renumber them.
 */
public enum Result
{
    /** Applied. */
    OK(0),
    /** An account id is {@code <= 0}. */
    INVALID_ACCOUNT(1),
    /** A transfer whose from and to accounts are equal. */
    SAME_ACCOUNT(2),
    /** An amount {@code <= 0}. */
    INVALID_AMOUNT(3),
    /** Opening an account that is already open. */
    ACCOUNT_EXISTS(4),
    /** A named account is not open. */
    ACCOUNT_NOT_FOUND(5),
    /** A withdrawal or transfer larger than the balance. */
    INSUFFICIENT_FUNDS(6),
    /** A deposit that would take the balance, or the total of all balances, past 2^63-1. */
    OVERFLOW(7),
    /**
     * Extension: opening a new account when the ledger already holds its configured maximum number
     * of accounts. Never produced below that limit.
     */
    CAPACITY_EXCEEDED(8);

    private static final Result[] BY_CODE = values();

    private final byte code;

    Result(final int code)
    {
        this.code = (byte)code;
    }

    /** @return the stable code stored on disk. */
    public byte code()
    {
        return code;
    }

    /**
     * @param code a stored code.
     * @return its result.
     * @throws IllegalArgumentException for an unknown code.
     */
    public static Result fromCode(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("unknown result code " + code);
        }
        return BY_CODE[code];
    }
}
