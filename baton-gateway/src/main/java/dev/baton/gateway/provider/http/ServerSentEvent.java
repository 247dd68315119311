package dev.baton.gateway.provider.http;

import java.util.Objects;

/**
 * One event of a {@code text/event-stream}, as defined by the WHATWG HTML standard, section 9.2 "Server-sent
 * events".
 *
 * @param event the {@code event:} field, or {@code "message"} when the event named none
 * @param data  the {@code data:} lines joined with {@code \n} (never {@code null}, may be empty)
 * @param id    the {@code id:} field, or {@code null}
 */
public record ServerSentEvent(String event, String data, String id) {

    /** The event type of events that name none. */
    public static final String DEFAULT_EVENT = "message";

    public ServerSentEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
    }
}
