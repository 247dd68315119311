package dev.baton.gateway.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes one HTTP/1.1 response on a fake server's connection: whole ({@code Content-Length}), streamed
 * ({@code Transfer-Encoding: chunked}), or broken on purpose (reset, cut short). Used by one handler thread.
 */
final class FakeExchange {
    private final Socket socket;
    private final BufferedOutputStream out;
    private boolean closed;

    FakeExchange(Socket socket, BufferedOutputStream out) {
        this.socket = socket;
        this.out = out;
    }

    /** Whether the connection was closed by this exchange (no further requests on it). */
    boolean closed() {
        return closed;
    }

    /** Sends a whole response. */
    void respond(int status, String contentType, byte[] body, Map<String, String> headers) throws IOException {
        head(status, contentType, headers, "Content-Length: " + body.length);
        out.write(body);
        out.flush();
    }

    /** Sends the headers of a whole response, then the first {@code sent} bytes of its body, then closes. */
    void respondCut(int status, String contentType, byte[] body, int sent) throws IOException {
        head(status, contentType, Map.of(), "Content-Length: " + body.length);
        out.write(body, 0, Math.min(sent, body.length));
        out.flush();
        close();
    }

    /** Sends a whole response's headers now and its body after {@code delayMillis}. */
    void respondSlowly(int status, String contentType, byte[] body, long delayMillis)
            throws IOException, InterruptedException {
        head(status, contentType, Map.of(), "Content-Length: " + body.length);
        out.flush();
        Thread.sleep(delayMillis);
        out.write(body);
        out.flush();
    }

    /** Starts a chunked response (an event stream). */
    void startChunked(int status, String contentType) throws IOException {
        head(status, contentType, Map.of("Cache-Control", "no-cache"), "Transfer-Encoding: chunked");
        out.flush();
    }

    /** Sends one chunk and flushes it. */
    void chunk(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return;
        }
        out.write(FakeHttpServer.ascii(Integer.toHexString(bytes.length) + "\r\n"));
        out.write(bytes);
        out.write(FakeHttpServer.ascii("\r\n"));
        out.flush();
    }

    /** Ends a chunked response properly (the connection stays usable). */
    void endChunked() throws IOException {
        out.write(FakeHttpServer.ascii("0\r\n\r\n"));
        out.flush();
    }

    /** Resets the connection: SO_LINGER 0 then close sends a TCP RST instead of a FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        close();
    }

    /** Closes the connection (a FIN), whatever was sent. */
    void close() throws IOException {
        closed = true;
        socket.close();
    }

    private void head(int status, String contentType, Map<String, String> headers, String framing) throws IOException {
        StringBuilder head = new StringBuilder(160);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append(framing).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }
}
