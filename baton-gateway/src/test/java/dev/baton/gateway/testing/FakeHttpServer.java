package dev.baton.gateway.testing;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 server over raw sockets, so faults can be exact: a TCP reset, a body cut mid-way, a chunked
 * stream without its last chunk. One virtual thread per connection; keep-alive; request bodies by
 * {@code Content-Length} or chunked; responses fixed-length or chunked (for event streams). Listens on 127.0.0.1,
 * port 0 (a free port).
 *
 * <p>Thread-safe. {@link #close()} stops accepting, closes every connection and interrupts handlers that wait.
 */
final class FakeHttpServer implements AutoCloseable {

    /** Handles one request; writes exactly one response (or misbehaves on purpose) through the exchange. */
    @FunctionalInterface
    interface Handler {
        void handle(Request request, FakeExchange exchange) throws IOException, InterruptedException;
    }

    /** A parsed request. Header names are lower-case. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {}

    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final ServerSocket server;
    private final Handler handler;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean closed;

    private record Connection(Socket socket, Thread thread) {}

    FakeHttpServer(Handler handler) {
        this.handler = handler;
        try {
            this.server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
        Thread.ofVirtual().name("fake-upstream-accept-" + server.getLocalPort()).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted since start. */
    long accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                socket.setTcpNoDelay(true);
                Thread.ofVirtual().name("fake-upstream-conn").start(() -> serve(socket));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(10); // e.g. out of file descriptors: do not spin
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket) {
        Connection connection = new Connection(socket, Thread.currentThread());
        open.add(connection);
        try (socket) {
            if (closed) {
                return;
            }
            Input in = new Input(socket.getInputStream());
            BufferedOutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            while (!closed) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                FakeExchange exchange = new FakeExchange(socket, out);
                handler.handle(request, exchange);
                if (exchange.closed() || "close".equalsIgnoreCase(request.headers().get("connection"))) {
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away, the fault closed the connection, or the server is closing
        } finally {
            open.remove(connection);
        }
    }

    /** Reads one request; {@code null} when the client closed the connection between requests. */
    private static Request read(Input in) throws IOException {
        String requestLine = line(in);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = line(in);
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3) {
            throw new IOException("malformed request line: " + requestLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header: " + header);
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if (header == null) {
            throw new EOFException("connection closed inside the request headers");
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in);
        } else {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("bad content-length " + length);
            }
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("request body cut short");
            }
        }
        String target = parts[1];
        int query = target.indexOf('?');
        return new Request(parts[0], query < 0 ? target : target.substring(0, query), headers, body);
    }

    private static byte[] chunked(Input in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            if (sizeLine == null) {
                throw new EOFException("chunked body cut short");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = line(in)) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) {
                throw new IOException("request body too large");
            }
            body.write(in.readNBytes(size));
            line(in);
        }
    }

    /** One CRLF- (or LF-) terminated line as ISO-8859-1; {@code null} at end of stream before any byte. */
    private static String line(Input in) throws IOException {
        return in.line();
    }

    /** An unsynchronised buffered reader of one connection (the JDK's buffered streams lock on every byte). */
    private static final class Input {
        private final InputStream in;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;

        Input(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (position < limit) {
                return true;
            }
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        String line() throws IOException {
            StringBuilder line = null;
            while (fill()) {
                for (int i = position; i < limit; i++) {
                    if (buffer[i] == '\n') {
                        int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                        String part = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                        position = i + 1;
                        if (line == null) {
                            return part;
                        }
                        line.append(part);
                        int length = line.length();
                        if (end == i && length > 0 && line.charAt(length - 1) == '\r') {
                            line.setLength(length - 1);
                        }
                        return line.toString();
                    }
                }
                if (line == null) {
                    line = new StringBuilder(128);
                }
                line.append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
                position = limit;
                if (line.length() > MAX_HEADER_LINE) {
                    throw new IOException("header line too long");
                }
            }
            if (line == null || line.isEmpty()) {
                return null;
            }
            throw new EOFException("connection closed mid-line");
        }

        byte[] readNBytes(int n) throws IOException {
            byte[] bytes = new byte[n];
            int copied = 0;
            while (copied < n && fill()) {
                int take = Math.min(n - copied, limit - position);
                System.arraycopy(buffer, position, bytes, copied, take);
                position += take;
                copied += take;
            }
            return copied == n ? bytes : java.util.Arrays.copyOf(bytes, copied);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection connection : open) {
            connection.thread().interrupt();
            try {
                connection.socket().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

}
