package io.roda.core;

/** The ledger operations. Codes are part of the on-disk format: never renumber them. */
public enum OpType
{
    /** Opens an account with balance 0. */
    OPEN(1),
    /** Moves an amount from the system account to an account. */
    DEPOSIT(2),
    /** Moves an amount from an account to the system account. */
    WITHDRAW(3),
    /** Moves an amount between two accounts. */
    TRANSFER(4),
    /** Reserves an amount of one account's funds for another (a pending transfer). */
    HOLD(5),
    /** Completes a hold: moves all or part of it and releases the rest. */
    POST(6),
    /** Releases a hold; nothing moves. */
    VOID(7),
    /** Internal: advances ledger time so that due holds expire when no other transaction arrives. */
    TICK(8);

    /** Code of {@link #OPEN}, for switch statements on stored codes. */
    public static final int OPEN_CODE = 1;
    /** Code of {@link #DEPOSIT}. */
    public static final int DEPOSIT_CODE = 2;
    /** Code of {@link #WITHDRAW}. */
    public static final int WITHDRAW_CODE = 3;
    /** Code of {@link #TRANSFER}. */
    public static final int TRANSFER_CODE = 4;
    /** Code of {@link #HOLD}. */
    public static final int HOLD_CODE = 5;
    /** Code of {@link #POST}. */
    public static final int POST_CODE = 6;
    /** Code of {@link #VOID}. */
    public static final int VOID_CODE = 7;
    /** Code of {@link #TICK}. */
    public static final int TICK_CODE = 8;

    private final byte code;

    OpType(final int code)
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
     * @return its operation type.
     * @throws IllegalArgumentException for an unknown code.
     */
    public static OpType fromCode(final int code)
    {
        switch (code)
        {
            case OPEN_CODE: return OPEN;
            case DEPOSIT_CODE: return DEPOSIT;
            case WITHDRAW_CODE: return WITHDRAW;
            case TRANSFER_CODE: return TRANSFER;
            case HOLD_CODE: return HOLD;
            case POST_CODE: return POST;
            case VOID_CODE: return VOID;
            case TICK_CODE: return TICK;
            default: throw new IllegalArgumentException("unknown operation code " + code);
        }
    }
}
