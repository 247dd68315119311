package dev.baton.steps.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A real HTTP server on 127.0.0.1 (port 0, or another loopback address and port) that records requests and answers by path:
 * <ul>
 *   <li>{@code /echo}: 200 JSON of method, path, query, headers (lower-case) and body;</li>
 *   <li>{@code /status/N}: status N with a small text body;</li>
 *   <li>{@code /text}: 200 text/plain;</li>
 *   <li>{@code /malformed}: 200 application/json that does not parse;</li>
 *   <li>{@code /big/N}: 200 text of N bytes;</li>
 *   <li>{@code /hang}: never answers until the server stops ({@link #hung} counts arrivals);</li>
 *   <li>{@code /redirect?status=N&to=URL}: status N (default 302) with {@code Location: URL};</li>
 *   <li>{@code /loop}: 302 to itself.</li>
 * </ul>
 */
final class FakeService implements AutoCloseable {
    record Recorded(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null ? null : values.getFirst();
        }
    }

    final ConcurrentLinkedQueue<Recorded> requests = new ConcurrentLinkedQueue<>();
    final CountDownLatch hung = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpServer server;

    FakeService() {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A service listening on {@code address} (e.g. 127.0.0.2 and the port of another service). */
    FakeService(InetSocketAddress address) {
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = exchange.getRequestHeaders().entrySet().stream().collect(
                Collectors.toMap(e -> e.getKey().toLowerCase(java.util.Locale.ROOT), Map.Entry::getValue));
        String path = exchange.getRequestURI().getPath();
        Recorded recorded = new Recorded(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                headers, body);
        requests.add(recorded);
        try (exchange) {
            if (path.equals("/echo")) {
                String json = "{\"method\":\"" + recorded.method() + "\",\"query\":" + quote(recorded.query())
                        + ",\"contentType\":" + quote(recorded.header("content-type"))
                        + ",\"body\":" + quote(body) + "}";
                respond(exchange, 200, "application/json; charset=utf-8", json);
            } else if (path.startsWith("/status/")) {
                respond(exchange, Integer.parseInt(path.substring(8)), "text/plain", "status body");
            } else if (path.equals("/text")) {
                exchange.getResponseHeaders().add("X-Trace", "abc");
                respond(exchange, 200, "text/plain; charset=utf-8", "plain text");
            } else if (path.equals("/malformed")) {
                respond(exchange, 200, "application/json", "{\"a\": [1, 2");
            } else if (path.startsWith("/big/")) {
                respond(exchange, 200, "text/plain", "x".repeat(Integer.parseInt(path.substring(5))));
            } else if (path.equals("/redirect")) {
                Map<String, String> params = new java.util.HashMap<>();
                for (String pair : recorded.query().split("&")) {
                    String[] kv = pair.split("=", 2);
                    params.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
                exchange.getResponseHeaders().add("Location", params.get("to"));
                respond(exchange, Integer.parseInt(params.getOrDefault("status", "302")), "text/plain", "moved");
            } else if (path.equals("/loop")) {
                exchange.getResponseHeaders().add("Location", "/loop");
                respond(exchange, 302, "text/plain", "again");
            } else if (path.equals("/hang")) {
                hung.countDown();
                release.await();
            } else {
                respond(exchange, 404, "text/plain", "no such path");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    Recorded last() {
        Recorded last = null;
        for (Recorded r : requests) {
            last = r;
        }
        return last;
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
