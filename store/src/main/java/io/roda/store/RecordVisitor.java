package io.roda.store;

/**
 * Visits one record through a borrowed {@link RecordView}; the view is valid only during the call.
 * Implementations should be allocated once and reused, so a read allocates nothing.
 */
@FunctionalInterface
public interface RecordVisitor
{
    /**
     * @param record the borrowed view of the record.
     */
    void visit(RecordView record);
}
