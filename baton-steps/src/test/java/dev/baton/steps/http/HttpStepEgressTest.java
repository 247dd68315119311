package dev.baton.steps.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The egress policy on real connections. Every service here listens on the loopback; 127.0.0.1 stands for a
 * public address (allow-listed as {@code 127.0.0.1/32}) and 127.0.0.2 for an internal one (loopback, denied).
 * Host names come from an injected resolver, as an attacker's DNS server would answer them.
 */
class HttpStepEgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpStepSettings SETTINGS = new HttpStepSettings(Duration.ofSeconds(5),
            Duration.ofSeconds(30), 1024 * 1024);
    private static final EgressPolicy PUBLIC_IS_127_0_0_1 = EgressPolicy.DEFAULT.allowing("127.0.0.1/32");

    private final FakeService outside = new FakeService();
    private final List<AutoCloseable> closing = new ArrayList<>();
    /** Answers per host name, consumed in order; the last one repeats. */
    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final HostResolver dns = host -> {
        lookups.incrementAndGet();
        List<String> queue = answers.get(host);
        if (queue == null) {
            throw new UnknownHostException(host);
        }
        String answer = queue.size() > 1 ? queue.removeFirst() : queue.getFirst();
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : answer.split(",")) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    };

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        outside.close();
    }

    @Test
    void the_default_policy_refuses_a_loopback_service_without_connecting() {
        HttpStep step = step(EgressPolicy.DEFAULT);

        assertThatThrownBy(() -> call(step, outside.url("/echo")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("127.0.0.1 is a loopback address")
                            .contains("security.egress.allow");
                });
        assertThat(outside.requests).isEmpty();
    }

    @Test
    void an_allow_listed_loopback_service_is_called() throws Exception {
        HttpStep step = step(EgressPolicy.DEFAULT.allowing("127.0.0.0/8"));

        assertThat(call(step, outside.url("/echo")).get("status").intValue()).isEqualTo(200);
        assertThat(outside.requests).hasSize(1);
    }

    @Test
    void a_name_that_resolves_to_an_internal_address_is_refused_naming_host_and_class() {
        answers.put("internal.example", List.of("10.0.0.7"));
        HttpStep step = step(EgressPolicy.DEFAULT);

        assertThatThrownBy(() -> call(step, "http://internal.example:" + outside.port() + "/echo"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                    assertThat(e.getMessage()).contains("internal.example (10.0.0.7) is a private address");
                });
    }

    @Test
    void dns_rebinding_cannot_bypass_the_policy() throws Exception {
        FakeService internal = internalTwin();
        // The attacker's DNS answers with a public address first and an internal one afterwards.
        answers.put("rebind.example", new ArrayList<>(List.of("127.0.0.1", "127.0.0.2")));
        String url = "http://rebind.example:" + outside.port() + "/echo";

        // One exchange is one lookup, and the connection goes to the address that lookup allowed.
        assertThat(call(step(PUBLIC_IS_127_0_0_1), url).get("status").intValue()).isEqualTo(200);
        assertThat(lookups).hasValue(1);
        assertThat(outside.requests).hasSize(1);

        // The next connection looks the name up again, gets the internal address, and is refused.
        assertThatThrownBy(() -> call(step(PUBLIC_IS_127_0_0_1), url))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                    assertThat(e.getMessage()).contains("rebind.example (127.0.0.2) is a loopback address");
                });
        assertThat(lookups).hasValue(2);
        assertThat(internal.requests).isEmpty();
    }

    @Test
    void only_the_allowed_addresses_of_a_mixed_answer_are_connected_to() throws Exception {
        FakeService internal = internalTwin();
        answers.put("mixed.example", List.of("127.0.0.2,127.0.0.1"));

        JsonNode out = call(step(PUBLIC_IS_127_0_0_1), "http://mixed.example:" + outside.port() + "/echo");

        assertThat(out.get("status").intValue()).isEqualTo(200);
        assertThat(outside.requests).hasSize(1);
        assertThat(internal.requests).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.2:PORT/echo", "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:169.254.169.254]/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
            "http://localhost.example:PORT/echo"})
    void a_redirect_to_an_internal_address_is_refused(String target) {
        answers.put("localhost.example", List.of("127.0.0.2"));
        answers.put("metadata.google.internal", List.of("169.254.169.254"));
        String to = target.replace("PORT", Integer.toString(outside.port()));
        HttpStep step = step(PUBLIC_IS_127_0_0_1);

        assertThatThrownBy(() -> call(step, outside.url("/redirect?to=" + URLEncoder.encode(to,
                StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("egress denied").containsAnyOf("loopback", "cloud metadata");
                });
        assertThat(outside.requests).hasSize(1); // the redirect itself, nothing after it
    }

    @Test
    void an_allowed_redirect_is_followed_and_a_303_turns_a_post_into_a_get() throws Exception {
        HttpStep step = step(PUBLIC_IS_127_0_0_1);

        JsonNode out = step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \"" + outside.url(
                "/redirect?status=303&to=%2Fecho") + "\", \"method\": \"POST\", \"body\": {\"a\": 1}}"));

        assertThat(out.get("status").intValue()).isEqualTo(200);
        assertThat(out.get("body").get("method").textValue()).isEqualTo("GET");
        assertThat(out.get("body").get("body").textValue()).isEmpty();
        assertThat(outside.requests).extracting(FakeService.Recorded::method).containsExactly("POST", "GET");
    }

    @Test
    void a_307_repeats_the_method_and_body() throws Exception {
        JsonNode out = step(PUBLIC_IS_127_0_0_1).execute(TestContext.unbounded(), JSON.readTree("{\"url\": \""
                + outside.url("/redirect?status=307&to=%2Fecho") + "\", \"method\": \"PUT\", \"body\": \"hi\"}"));

        assertThat(out.get("body").get("method").textValue()).isEqualTo("PUT");
        assertThat(out.get("body").get("body").textValue()).isEqualTo("hi");
        assertThat(outside.last().header("Idempotency-Key")).isEqualTo("run-7/fetch");
    }

    @Test
    void credentials_are_not_carried_to_another_origin() throws Exception {
        answers.put("other.example", List.of("127.0.0.1"));
        HttpStep step = step(PUBLIC_IS_127_0_0_1);
        String elsewhere = "http://other.example:" + outside.port() + "/echo";

        step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \"" + outside.url("/redirect?to="
                + URLEncoder.encode(elsewhere, StandardCharsets.UTF_8)) + "\", \"headers\": {\"Authorization\": "
                + "\"Bearer s3cret\", \"X-Trace-Me\": \"yes\"}}"));

        assertThat(outside.requests.peek().header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(outside.last().header("Authorization")).isNull();
        assertThat(outside.last().header("X-Trace-Me")).isEqualTo("yes");
    }

    @Test
    void a_redirect_loop_stops_after_the_limit() {
        assertThatThrownBy(() -> call(step(PUBLIC_IS_127_0_0_1), outside.url("/loop")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
                    assertThat(e.getMessage()).contains("redirected more than " + Redirect.MAX_REDIRECTS + " times");
                });
        assertThat(outside.requests).hasSize(1 + Redirect.MAX_REDIRECTS);
    }

    @Test
    void an_unknown_host_is_retriable() {
        assertThatThrownBy(() -> call(step(EgressPolicy.DEFAULT), "http://nx.example/x"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cannot resolve host nx.example");
                });
    }

    /** A second service on 127.0.0.2 with the same port as {@link #outside}: an internal twin of it. */
    private FakeService internalTwin() {
        FakeService internal;
        try {
            internal = new FakeService(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), outside.port()));
        } catch (UncheckedIOException | IOException e) {
            assumeTrue(false, "cannot listen on 127.0.0.2 here: " + e);
            throw new IllegalStateException(e);
        }
        closing.add(internal);
        return internal;
    }

    private HttpStep step(EgressPolicy policy) {
        HttpStep step = new HttpStep(SETTINGS, OpenTelemetry.noop(), policy, dns);
        closing.add(step);
        return step;
    }

    private static JsonNode call(HttpStep step, String url) throws Exception {
        return step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \"" + url + "\"}"));
    }
}
