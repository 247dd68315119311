package dev.baton.bench.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP relay between the nodes and PostgreSQL that counts database round trips exactly: a round trip is a
 * client <em>turn</em>, the client sending after the server has answered (or for the first time on a
 * connection), however many messages the turn holds (a JDBC batch, or {@code BEGIN} sent together with the first
 * statement of a transaction, is one turn). Also counts the client's protocol messages: {@code Sync} (end of an
 * extended-protocol exchange), simple {@code Query} and {@code Execute} (statements executed, each row of a JDBC
 * batch one). Turns of the connection start-up are included but happen once per pooled connection.
 *
 * <p>The relay parses the frontend stream of the PostgreSQL protocol 3.0 (untyped start-up messages, an
 * {@code SSLRequest}/{@code GSSENCRequest} answered {@code N} by the server, then messages of one type byte and
 * a 4-byte length) and forwards every byte as soon as it is read; the server's stream is copied unparsed. It
 * costs the harness some CPU and each round trip two extra loopback hops, so throughput figures are taken
 * without it. Connections are served by virtual threads; thread-safe.
 */
final class WireCounter implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;

    /** Counts so far. */
    record Counts(long roundTrips, long syncs, long simpleQueries, long executes) {
        Counts minus(Counts before) {
            return new Counts(roundTrips - before.roundTrips, syncs - before.syncs,
                    simpleQueries - before.simpleQueries, executes - before.executes);
        }
    }

    private final int targetPort;
    private final ServerSocket listener;
    private final LongAdder turns = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder queries = new LongAdder();
    private final LongAdder executes = new LongAdder();

    WireCounter(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("wire-counter-accept").start(this::accept);
    }

    /** The relay's port on 127.0.0.1: give the nodes {@code jdbc:postgresql://127.0.0.1:<port>/db}. */
    int port() {
        return listener.getLocalPort();
    }

    Counts counts() {
        return new Counts(turns.sum(), syncs.sum(), queries.sum(), executes.sum());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                AtomicBoolean answered = new AtomicBoolean(true);
                Thread.ofVirtual().start(() -> relayBackend(server, client, answered));
                Thread.ofVirtual().start(() -> relayFrontend(client, server, answered));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("wire counter: " + e);
                }
            }
        }
    }

    /** Copies the server's bytes to the client; marks the connection answered before the client can see them. */
    private static void relayBackend(Socket from, Socket to, AtomicBoolean answered) {
        try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                answered.set(true);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // either side went away (a node killed, a pool closing a connection)
        }
    }

    private void relayFrontend(Socket client, Socket server, AtomicBoolean answered) {
        try (client; server; InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            byte[] header = new byte[8];
            int headerFill = 0;
            long skip = 0;
            boolean startup = true;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (answered.getAndSet(false)) {
                    turns.increment();
                }
                out.write(buffer, 0, n);
                out.flush();
                int i = 0;
                while (i < n) {
                    if (skip > 0) {
                        int k = (int) Math.min(skip, n - i);
                        skip -= k;
                        i += k;
                        continue;
                    }
                    int headerSize = startup ? 8 : 5;
                    while (headerFill < headerSize && i < n) {
                        header[headerFill++] = buffer[i++];
                    }
                    if (headerFill < headerSize) {
                        break;
                    }
                    headerFill = 0;
                    if (startup) {
                        int length = readInt(header, 0);
                        int code = readInt(header, 4);
                        skip = length - 8L;
                        startup = code == SSL_REQUEST || code == GSSENC_REQUEST;
                    } else {
                        count((char) header[0]);
                        skip = readInt(header, 1) - 4L;
                    }
                }
            }
        } catch (IOException closed) {
            // as in relayBackend
        }
    }

    private void count(char type) {
        switch (type) {
            case 'S' -> syncs.increment();
            case 'Q' -> queries.increment();
            case 'E' -> executes.increment();
            default -> {
            }
        }
    }

    private static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
