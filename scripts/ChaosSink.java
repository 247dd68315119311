import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The side-effecting service of scripts/chaos.sh, run with the JDK's source launcher:
 * {@code java scripts/ChaosSink.java PORT [SEED] [MAX_DELAY_MS]}.
 *
 * <p>{@code POST /effects} counts the request under its {@code Idempotency-Key} header when it arrives (the effect
 * happens even if the caller dies before the answer), waits 0..MAX_DELAY_MS ms (seeded) so that kills land while
 * requests are in flight, and answers {@code 200 {"key": "..."}} (400 without the header).
 * {@code GET /counts} answers {@code {"<key>": <requests>, ...}}. Loopback only; stops with the process.
 */
public final class ChaosSink {
    private ChaosSink() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int maxDelay = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        AtomicLong requests = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        server.createContext("/effects", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                counts.computeIfAbsent(key == null ? "" : key, k -> new AtomicInteger()).incrementAndGet();
                int delay = new SplittableRandom(seed + requests.getAndIncrement()).nextInt(maxDelay + 1);
                Thread.sleep(delay);
                answer(exchange, key == null ? 400 : 200, key == null ? "{\"error\":\"no Idempotency-Key\"}"
                        : "{\"key\":\"" + key + "\"}");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.createContext("/counts", exchange -> {
            try (exchange) {
                StringBuilder json = new StringBuilder("{");
                counts.forEach((key, count) -> json.append(json.length() > 1 ? "," : "").append('"').append(key)
                        .append("\":").append(count.get()));
                answer(exchange, 200, json.append('}').toString());
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("chaos sink listening on http://127.0.0.1:" + port);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
