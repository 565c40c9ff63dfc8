package io.roda.core;

/**
 * The outcome of one ledger operation. The order in which each operation checks them is in
 * docs/SEMANTICS.md. The codes are part of the on-disk format: never renumber them.
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
    /** A withdrawal, transfer or hold larger than the funds available (balance - debits pending + overdraft). */
    INSUFFICIENT_FUNDS(6),
    /** The operation would take a balance or pending sum it changes outside -(2^63-1)..2^63-1. */
    OVERFLOW(7),
    /**
     * Extension: opening a new account when the ledger already holds its configured maximum number
     * of accounts. Never produced below that limit.
     */
    CAPACITY_EXCEEDED(8),
    /** The key was consumed by an earlier operation with identical fields; nothing applied. */
    DUPLICATE(9),
    /** The key was consumed by an earlier operation with different fields; nothing applied. */
    KEY_REUSED(10),
    /** No applied hold has the named transaction id (or it is no longer remembered). */
    HOLD_NOT_FOUND(11),
    /** The hold was posted already. */
    HOLD_ALREADY_POSTED(12),
    /** The hold was voided already. */
    HOLD_ALREADY_VOIDED(13),
    /** The hold expired. */
    HOLD_EXPIRED(14),
    /** Another member of the operation's linked chain failed; nothing of the chain applied. */
    LINKED_EVENT_FAILED(15);

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
