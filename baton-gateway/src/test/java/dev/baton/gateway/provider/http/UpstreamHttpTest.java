package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.config.Timeouts;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UpstreamHttpTest {

    @Test
    void a_connect_that_does_not_complete_fires_the_connect_timeout() throws Exception {
        // A listener that never accepts, with its accept queue filled: further SYNs are dropped, so connects hang.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             UpstreamHttp http = new UpstreamHttp()) {
            List<Socket> fillers = new ArrayList<>();
            boolean full = false;
            try {
                for (int i = 0; i < 8; i++) {
                    Socket filler = new Socket();
                    try {
                        filler.connect(listener.getLocalSocketAddress(), 100);
                        fillers.add(filler);
                    } catch (java.net.SocketTimeoutException queueFull) {
                        filler.close();
                        full = true;
                        break;
                    }
                }
                assumeTrue(full, "this kernel does not leave connects to a full accept queue hanging");
                Timeouts timeouts = new Timeouts(Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofSeconds(20),
                        Duration.ofSeconds(20), Duration.ofSeconds(20));
                UpstreamCall call = new UpstreamCall("GET", URI.create("http://127.0.0.1:" + listener.getLocalPort()
                        + "/v1/models"), Map.of(), null, timeouts, "deployment d: GET /models", null);
                try {
                    http.send(call);
                    throw new AssertionError("expected a timeout");
                } catch (BatonException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.getMessage()).contains("connect timeout");
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void the_call_record_never_prints_header_values() {
        UpstreamCall call = new UpstreamCall("POST", URI.create("http://127.0.0.1/v1/x"),
                Map.of("Authorization", "Bearer sk-secret"), new byte[0], Timeouts.DEFAULT, "t", "sk-secret");
        assertThat(call.toString()).contains("Authorization").doesNotContain("sk-secret");
    }

    @Test
    void with_a_policy_every_exchange_checks_the_host_first_and_refuses_denied_addresses() throws Exception {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        // an answer that changed since the node started: public then, the metadata endpoint now
        dev.baton.core.security.HostResolver dns = host -> {
            lookups.incrementAndGet();
            return List.of(InetAddress.getByName("169.254.169.254"));
        };
        try (UpstreamHttp http = new UpstreamHttp(java.time.InstantSource.system(),
                io.opentelemetry.api.OpenTelemetry.noop(), dev.baton.core.security.EgressPolicy.DEFAULT, dns)) {
            UpstreamCall call = new UpstreamCall("GET", URI.create("http://llm.example/v1/models"), Map.of(), null,
                    Timeouts.DEFAULT, "deployment d: GET /models", null, "d");
            try {
                http.send(call);
                throw new AssertionError("expected egress-denied");
            } catch (BatonException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                assertThat(e.retriable()).isFalse();
                assertThat(e.getMessage()).startsWith("deployment d: GET /models: egress denied: llm.example "
                        + "(169.254.169.254) is a cloud metadata address");
            }
            assertThat(lookups).hasValue(1);
        }
    }

    @Test
    void an_answer_mixing_allowed_and_refused_addresses_is_refused_before_connecting() throws Exception {
        // the JDK client would connect to the first address (the private one): one public address is not enough
        dev.baton.core.security.HostResolver dns = host -> List.of(InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("8.8.8.8"));
        try (UpstreamHttp http = new UpstreamHttp(java.time.InstantSource.system(),
                io.opentelemetry.api.OpenTelemetry.noop(), dev.baton.core.security.EgressPolicy.DEFAULT, dns)) {
            try {
                http.send(new UpstreamCall("GET", URI.create("http://llm.example:1/v1/models"), Map.of(), null,
                        Timeouts.DEFAULT, "deployment d: GET /models", null, "d"));
                throw new AssertionError("expected egress-denied");
            } catch (BatonException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                assertThat(e.getMessage()).contains("llm.example (127.0.0.1) is a loopback address");
            }
        }
    }

    @Test
    void a_host_the_check_cannot_resolve_fails_the_call_instead_of_connecting_unchecked() throws Exception {
        // the JVM would resolve "localhost" to the loopback; the check's resolver does not know it
        dev.baton.core.security.HostResolver nx = host -> {
            throw new java.net.UnknownHostException(host);
        };
        try (UpstreamHttp http = new UpstreamHttp(java.time.InstantSource.system(),
                io.opentelemetry.api.OpenTelemetry.noop(), dev.baton.core.security.EgressPolicy.DEFAULT, nx)) {
            try {
                http.send(new UpstreamCall("GET", URI.create("http://localhost:1/v1/models"), Map.of(), null,
                        Timeouts.DEFAULT, "deployment d: GET /models", null, "d"));
                throw new AssertionError("expected upstream-unavailable");
            } catch (BatonException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                assertThat(e.retriable()).isTrue();
                assertThat(e.getMessage()).contains("cannot resolve host localhost");
            }
        }
    }
}
