package dev.baton.gateway.usage;

/**
 * Told about every {@link UsageRecord} the {@link UsageRecorder} is given (one per gateway call, successful or
 * not), synchronously on the calling thread before the record is queued for the store: how metrics follow the
 * gateway without reading the store. Also told when a record is dropped because the write queue was full or the
 * recorder closed.
 *
 * <p>Implementations must be thread-safe and cheap (microseconds: they run on the request path) and should not
 * throw; an exception is logged and ignored, it never fails the call nor keeps the record from being queued.
 */
@FunctionalInterface
public interface UsageListener {
    /** Listens to nothing. */
    UsageListener NONE = record -> {
    };

    /** A gateway call finished and {@code record} says what it used; called before the record is queued. */
    void recorded(UsageRecord record);

    /** {@code record} (already given to {@link #recorded}) will not be written: the queue was full or closed. */
    default void dropped(UsageRecord record) {
    }
}
