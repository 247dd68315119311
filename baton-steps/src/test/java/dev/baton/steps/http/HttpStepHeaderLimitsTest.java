package dev.baton.steps.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Header sizes both ways: a service answering with huge headers (a raw socket, since no well-behaved server
 * sends them) is cut off at {@link HttpStepSettings#maxResponseHeaderBytes()}, and large request headers (big
 * bearer tokens, cookies) still go out as they did on the JDK client.
 */
class HttpStepHeaderLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpStepSettings SETTINGS = new HttpStepSettings(Duration.ofSeconds(5),
            Duration.ofSeconds(30), 1024 * 1024);

    private final FakeService service = new FakeService();
    private final HttpStep step = new HttpStep(SETTINGS, OpenTelemetry.noop(),
            EgressPolicy.DEFAULT.allowing("127.0.0.1/32"));

    @AfterEach
    void close() {
        step.close();
        service.close();
    }

    @Test
    void response_headers_over_the_limit_fail_the_step_as_an_invalid_response() throws Exception {
        // 50,000 lines of 1 KB = 50 MB of headers against a 1 MiB body limit
        try (HeaderFlood flood = new HeaderFlood(50_000)) {
            assertThatThrownBy(() -> step.execute(TestContext.unbounded(), url(flood.url())))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
                        assertThat(e.retriable()).isFalse();
                        assertThat(e.getMessage()).contains("response headers larger than 65536 bytes");
                    });
        }
    }

    @Test
    void response_headers_within_the_limit_are_returned() throws Exception {
        try (HeaderFlood flood = new HeaderFlood(40)) {
            JsonNode out = step.execute(TestContext.unbounded(), url(flood.url()));

            assertThat(out.get("status").intValue()).isEqualTo(200);
            assertThat(out.get("headers").get("x-pad-39").textValue()).hasSize(1000);
        }
    }

    @Test
    void a_32_kib_request_header_is_sent() throws Exception {
        String token = "t".repeat(32 * 1024);
        ObjectNode arguments = url(service.url("/echo"));
        arguments.putObject("headers").put("Authorization", "Bearer " + token).put("Cookie", "c=" + token);

        JsonNode out = step.execute(TestContext.unbounded(), arguments);

        assertThat(out.get("status").intValue()).isEqualTo(200);
        assertThat(service.last().header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(service.last().header("Cookie")).isEqualTo("c=" + token);
    }

    @Test
    void request_headers_over_the_client_limit_are_an_invalid_headers_argument() {
        ObjectNode arguments = url(service.url("/echo"));
        arguments.putObject("headers").put("X-Huge", "h".repeat(HttpTransport.MAX_REQUEST_HEADER_BYTES + 1));

        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), arguments))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.errors().getFirst().field()).isEqualTo("headers");
                    assertThat(e.getMessage()).contains("larger than " + HttpTransport.MAX_REQUEST_HEADER_BYTES);
                });
        assertThat(service.requests).isEmpty();
    }

    private static ObjectNode url(String url) {
        return JSON.createObjectNode().put("url", url);
    }

    /** A raw HTTP/1.1 server on 127.0.0.1 answering every request with 200 and {@code lines} 1 KB headers. */
    private static final class HeaderFlood implements AutoCloseable {
        private final ServerSocket socket;

        HeaderFlood(int lines) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        readHead(client.getInputStream());
                        OutputStream out = client.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n".getBytes(StandardCharsets.US_ASCII));
                        String value = "v".repeat(1000);
                        for (int i = 0; i < lines; i++) {
                            out.write(("X-Pad-" + i + ": " + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write("Content-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        // the client hung up on the flood, or the server closed
                    }
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/";
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            for (int b = in.read(); b != -1; b = in.read()) {
                matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
