package dev.baton.gateway.provider.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a UTF-8 byte stream, following the WHATWG HTML standard's parsing rules
 * (section 9.2.6): lines end with CR, LF or CRLF; a blank line dispatches the event; {@code data:} lines are joined
 * with {@code \n}; lines starting with {@code :} are comments; one space after the colon is dropped; a field with
 * no colon has an empty value; unknown fields ({@code retry:}...) are ignored; an event with no {@code data} line
 * is not dispatched; an unterminated event at end of stream is discarded.
 *
 * <p>Bounded: a line or an event's data longer than {@link #MAX_EVENT_CHARS} characters fails the read with an
 * {@link IOException} instead of growing the heap (a broken upstream that never ends a line cannot exhaust memory).
 *
 * <p>Not thread-safe: one reader per response, used by one thread. Closing the reader closes the stream.
 */
public final class ServerSentEventReader implements AutoCloseable {
    /** The longest line, and the most data of one event, in characters (8 Mi; a chunk is usually under 1 Ki). */
    public static final int MAX_EVENT_CHARS = 8 * 1024 * 1024;

    private final Reader text;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private final int maxChars;

    public ServerSentEventReader(InputStream in) {
        this(in, MAX_EVENT_CHARS);
    }

    /** A reader with another bound on lines and events, in characters (≥ 1). */
    ServerSentEventReader(InputStream in, int maxChars) {
        this.text = new InputStreamReader(in, StandardCharsets.UTF_8);
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be ≥ 1: " + maxChars);
        }
        this.maxChars = maxChars;
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
        while ((line = readLine()) != null) {
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
                    if (data.length() > maxChars) {
                        throw new IOException("event data longer than " + maxChars + " characters");
                    }
                }
                case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
                default -> {
                    // "retry" and unknown fields carry nothing a provider needs
                }
            }
        }
        return null;
    }

    /** The next line without its terminator (CR, LF or CRLF), or {@code null} at the end of the stream. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = read()) >= 0) {
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                if (peek() == '\n') {
                    position++;
                }
                return line.toString();
            }
            if (line.length() == maxChars) {
                throw new IOException("line longer than " + maxChars + " characters");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    /** The next character, or -1 at the end; refills the buffer with one read of the underlying reader. */
    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        int n = text.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        text.close();
    }
}
