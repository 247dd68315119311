package dev.baton.gateway.provider.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a UTF-8 byte stream, following the WHATWG HTML standard's parsing rules
 * (section 9.2.6): lines end with CR, LF or CRLF; a blank line dispatches the event; {@code data:} lines are joined
 * with {@code \n}; lines starting with {@code :} are comments; one space after the colon is dropped; a field with
 * no colon has an empty value; unknown fields ({@code retry:}...) are ignored; an event with no {@code data} line
 * is not dispatched; an unterminated event at end of stream is discarded.
 *
 * <p>Not thread-safe: one reader per response, used by one thread. Closing the reader closes the stream.
 */
public final class ServerSentEventReader implements AutoCloseable {
    private final BufferedReader lines;

    public ServerSentEventReader(InputStream in) {
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 8192);
    }

    /**
     * Blocks until the next complete event arrives.
     *
     * @return the event, or {@code null} when the stream ended (cleanly or with an unterminated last event)
     * @throws IOException when reading fails (the caller maps it: timeouts, resets, cancellation)
     */
    public ServerSentEvent next() throws IOException {
        String event = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new ServerSentEvent(event == null ? ServerSentEvent.DEFAULT_EVENT : event, data.toString(), id);
                }
                event = null;
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = "";
            if (colon >= 0) {
                int start = colon + 1;
                if (start < line.length() && line.charAt(start) == ' ') {
                    start++;
                }
                value = line.substring(start);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                }
                case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
                default -> {
                    // "retry" and unknown fields carry nothing a provider needs
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
