package dev.baton.bench.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slow HTTP service on 127.0.0.1 for {@link HttpConcurrency}: {@code GET /slow} answers {@code 200
 * {"ok":true}} after {@code --delay} (default 5 s); {@code GET /stats} answers at once with the peak number of
 * {@code /slow} requests open at the same time and how many were answered. One virtual thread per exchange (JDK
 * {@link HttpServer}). Runs in its own JVM so its sockets and memory are not counted against Baton's.
 *
 * <p>Usage: {@code SlowHttpServer [--port 0] [--delay-ms 5000] [--backlog 4096]}; prints
 * {@code listening on <port>} when ready and stops when its standard input closes.
 */
public final class SlowHttpServer {
    private SlowHttpServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        long delayMillis = 5_000;
        int backlog = 4096;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delayMillis = Long.parseLong(args[++i]);
                case "--backlog" -> backlog = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicLong served = new AtomicLong();
        Duration delay = Duration.ofMillis(delayMillis);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/slow", exchange -> {
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                Thread.sleep(delay);
                respond(exchange, "{\"ok\":true}");
                served.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
            } finally {
                open.decrementAndGet();
            }
        });
        server.createContext("/stats", exchange -> respond(exchange,
                "{\"peak\":" + peak.get() + ",\"served\":" + served.get() + ",\"open\":" + open.get() + "}"));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // until the parent closes our input
            }
        } finally {
            server.stop(0);
        }
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
