package dev.baton.bench.observability;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local OTLP/HTTP receiver that accepts every export ({@code POST /v1/traces} → 200), reads and discards the body
 * and counts requests and bytes: the collector end of "tracing at 100% sampling" without a collector's own CPU
 * cost beyond reading the bytes. JDK HTTP server on 127.0.0.1, a virtual thread per exchange.
 */
public final class OtlpSink implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private OtlpSink(HttpServer server) {
        this.server = server;
    }

    /** Starts the receiver on a free loopback port. */
    public static OtlpSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        OtlpSink sink = new OtlpSink(server);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                sink.bytes.addAndGet(body.transferTo(OutputDiscard.INSTANCE));
            }
            sink.requests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return sink;
    }

    /** The traces endpoint, {@code http://127.0.0.1:<port>/v1/traces}. */
    public URI tracesEndpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
    }

    /** Export requests received so far. */
    public long requests() {
        return requests.get();
    }

    /** Body bytes received so far. */
    public long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Swallows what is written. */
    private static final class OutputDiscard extends java.io.OutputStream {
        static final OutputDiscard INSTANCE = new OutputDiscard();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
