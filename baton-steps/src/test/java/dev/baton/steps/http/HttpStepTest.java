package dev.baton.steps.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpStepTest {
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.ALLOW_SINGLE_QUOTES, true);
    private static final FakeService service = new FakeService();
    /** The fake service listens on the loopback, which the egress policy denies unless allow-listed. */
    static final EgressPolicy LOOPBACK_ALLOWED = EgressPolicy.DEFAULT.allowing("127.0.0.0/8", "::1");
    private static final HttpStep step = new HttpStep(
            new HttpStepSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 1024), OpenTelemetry.noop(),
            LOOPBACK_ALLOWED);

    @AfterAll
    static void stop() {
        step.close();
        service.close();
    }

    @Test
    void get_returns_status_lower_case_headers_and_parsed_json() throws Exception {
        JsonNode out = call("{'url': '%s'}".formatted(service.url("/echo")));

        assertThat(out.get("status").intValue()).isEqualTo(200);
        assertThat(out.get("headers").get("content-type").textValue()).startsWith("application/json");
        assertThat(out.get("body").get("method").textValue()).isEqualTo("GET");
        assertThat(service.last().header("Idempotency-Key")).isNull();
    }

    @Test
    void post_sends_an_object_body_as_json_with_an_idempotency_key() throws Exception {
        JsonNode out = call("{'url': '%s', 'method': 'POST', 'body': {'name': 'Ada', 'tags': [1, 2]}}"
                .formatted(service.url("/echo")));

        assertThat(out.get("body").get("contentType").textValue()).isEqualTo("application/json");
        assertThat(JSON.readTree(out.get("body").get("body").textValue()))
                .isEqualTo(JSON.readTree("{\"name\":\"Ada\",\"tags\":[1,2]}"));
        assertThat(service.last().header("Idempotency-Key")).isEqualTo("run-7/fetch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
    void every_method_but_get_carries_the_idempotency_key(String method) throws Exception {
        call("{'url': '%s', 'method': '%s'}".formatted(service.url("/echo"), method));

        assertThat(service.last().method()).isEqualTo(method);
        assertThat(service.last().header("Idempotency-Key")).isEqualTo("run-7/fetch");
    }

    @Test
    void a_string_body_is_sent_as_text_and_explicit_headers_win() throws Exception {
        JsonNode out = call(("{'url': '%s', 'method': 'PUT', 'body': 'hello', 'headers': {'X-Api-Key': 's3cret', "
                + "'Idempotency-Key': 'mine'}}").formatted(service.url("/echo")));

        assertThat(out.get("body").get("body").textValue()).isEqualTo("hello");
        assertThat(out.get("body").get("contentType").textValue()).isEqualTo("text/plain; charset=utf-8");
        assertThat(service.last().header("X-Api-Key")).isEqualTo("s3cret");
        assertThat(service.last().header("Idempotency-Key")).isEqualTo("mine");
    }

    @Test
    void query_parameters_are_encoded_and_appended() throws Exception {
        JsonNode out = call("{'url': '%s', 'query': {'q': 'a b&c', 'n': 3, 'tag': ['x', 'y']}}"
                .formatted(service.url("/echo?fixed=1")));

        assertThat(out.get("body").get("query").textValue()).isEqualTo("fixed=1&q=a%20b%26c&n=3&tag=x&tag=y");
    }

    @Test
    void a_text_response_is_returned_as_a_string() throws Exception {
        JsonNode out = call("{'url': '%s'}".formatted(service.url("/text")));

        assertThat(out.get("body").textValue()).isEqualTo("plain text");
        assertThat(out.get("headers").get("x-trace").textValue()).isEqualTo("abc");
    }

    @Test
    void head_has_no_body() throws Exception {
        JsonNode out = call("{'url': '%s', 'method': 'HEAD'}".formatted(service.url("/text")));

        assertThat(out.get("status").intValue()).isEqualTo(200);
        assertThat(out.get("body").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "400, UPSTREAM_REJECTED", "401, UPSTREAM_REJECTED", "403, UPSTREAM_REJECTED", "404, UPSTREAM_REJECTED",
            "409, UPSTREAM_REJECTED", "422, UPSTREAM_REJECTED",
            "408, UPSTREAM_UNAVAILABLE", "429, UPSTREAM_UNAVAILABLE", "500, UPSTREAM_UNAVAILABLE",
            "502, UPSTREAM_UNAVAILABLE", "503, UPSTREAM_UNAVAILABLE", "504, UPSTREAM_UNAVAILABLE",
    })
    void error_statuses_map_to_retriable_or_non_retriable_codes(int status, ErrorCode code) {
        assertThatThrownBy(() -> call("{'url': '%s'}".formatted(service.url("/status/" + status))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.retriable()).isEqualTo(code == ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("answered " + status).contains("status body");
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void any_2xx_succeeds_by_default(int status) throws Exception {
        assertThat(call("{'url': '%s'}".formatted(service.url("/status/" + status))).get("status").intValue())
                .isEqualTo(status);
    }

    @Test
    void expect_status_accepts_listed_statuses_and_rejects_unlisted_2xx() throws Exception {
        JsonNode notFound = call("{'url': '%s', 'expectStatus': [404]}".formatted(service.url("/status/404")));
        assertThat(notFound.get("status").intValue()).isEqualTo(404);
        assertThat(notFound.get("body").textValue()).isEqualTo("status body");

        assertThatThrownBy(() -> call("{'url': '%s', 'expectStatus': [201]}".formatted(service.url("/status/200"))))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED));
    }

    @Test
    void malformed_json_is_an_invalid_response() {
        assertThatThrownBy(() -> call("{'url': '%s'}".formatted(service.url("/malformed"))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("malformed JSON");
                });
    }

    @Test
    void a_body_over_the_size_limit_is_refused_clearly() throws Exception {
        assertThat(call("{'url': '%s'}".formatted(service.url("/big/1024"))).get("body").textValue()).hasSize(1024);
        assertThatThrownBy(() -> call("{'url': '%s'}".formatted(service.url("/big/1025"))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
                    assertThat(e.getMessage()).contains("larger than the limit of 1024 bytes");
                });
    }

    @Test
    void a_timeout_is_retriable() {
        assertThatThrownBy(() -> call("{'url': '%s', 'timeout': '200ms'}".formatted(service.url("/hang"))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getMessage()).contains("timed out");
                });
    }

    @Test
    void no_time_left_in_the_attempt_fails_with_timeout_without_calling() {
        int before = service.requests.size();
        assertThatThrownBy(() -> step.execute(TestContext.withRemaining(Duration.ZERO),
                JSON.readTree("{\"url\": \"" + service.url("/echo") + "\"}")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(service.requests).hasSize(before);
    }

    @Test
    void connection_refused_is_retriable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int closedPort = port;
        assertThatThrownBy(() -> call("{'url': 'http://127.0.0.1:%d/x'}".formatted(closedPort)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getMessage()).contains("connection failed").doesNotContain("null");
                });
    }

    @Test
    void interrupting_the_attempt_aborts_the_request() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread attempt = Thread.ofVirtual().start(() -> {
            try {
                call("{'url': '%s'}".formatted(service.url("/hang")));
            } catch (Throwable t) {
                thrown.set(t);
            }
            done.complete(null);
        });
        assertThat(service.hung.await(10, TimeUnit.SECONDS)).isTrue();

        attempt.interrupt();

        done.get(10, TimeUnit.SECONDS);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{}                                              | url",
            "{'url': 'ftp://example.org/x'}                  | url",
            "{'url': 'not a url'}                            | url",
            "{'url': '/relative'}                            | url",
            "{'url': 'http://127.0.0.1/', 'method': 'BREW'}  | method",
            "{'url': 'http://127.0.0.1/', 'timeout': 'soon'} | timeout",
            "{'url': 'http://127.0.0.1/', 'timeout': '0s'}   | timeout",
            "{'url': 'http://127.0.0.1/', 'expectStatus': [99]} | expectStatus",
            "{'url': 'http://127.0.0.1/', 'headers': {'X': {'a': 1}}} | headers.X",
            "{'url': 'http://127.0.0.1/', 'headers': {'Host': 'evil'}} | headers.Host",
            "{'url': 'http://127.0.0.1/', 'headers': {'transfer-encoding': 'chunked'}} | headers.transfer-encoding",
            "{'url': 'http://127.0.0.1/', 'headers': {'X-A': 'a\\r\\nHost: evil'}} | headers.X-A",
            "{'url': 'http://127.0.0.1/', 'headers': {'Bad Name': 'x'}} | headers.Bad Name",
            "{'url': 'http://127.0.0.1/', 'query': {'q': {'a': 1}}} | query.q",
            "{'url': 'http://127.0.0.1/', 'verb': 'GET'}     | verb",
    })
    void rejects_bad_arguments_naming_the_argument(String arguments, String field) {
        assertThatThrownBy(() -> call(arguments))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith(field + ":");
                });
    }

    private static JsonNode call(String arguments) throws Exception {
        return step.execute(TestContext.unbounded(), JSON.readTree(arguments));
    }
}
