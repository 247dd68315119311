package dev.baton.gateway.testing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FakeUpstreamTest {
    private final OpenAiProvider provider = new OpenAiProvider(Map.of());

    @AfterEach
    void close() {
        provider.close();
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.of("m", List.of(ChatMessage.user(text)));
    }

    private List<Boolean> outcomes(FakeOpenAiServer upstream, int requests) {
        Deployment deployment = Deployment.of("f", "openai", upstream.baseUrl(), "m");
        List<Boolean> outcomes = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            try {
                provider.chat(deployment, ask("hi"));
                outcomes.add(true);
            } catch (BatonException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                outcomes.add(false);
            }
        }
        return outcomes;
    }

    @Test
    void random_failures_hit_about_the_configured_share_reproducibly_for_a_seed() {
        try (var first = new FakeOpenAiServer(); var second = new FakeOpenAiServer()) {
            first.failRandomly(0.3, 42, Fault.status(503));
            second.failRandomly(0.3, 42, Fault.status(503));
            List<Boolean> a = outcomes(first, 500);
            List<Boolean> b = outcomes(second, 500);
            long failed = a.stream().filter(ok -> !ok).count();
            assertThat(failed).isBetween(110L, 190L);
            assertThat(b).isEqualTo(a);
        }
    }

    @Test
    void scripted_faults_come_before_the_standing_rule_and_reset_clears_everything() {
        try (var upstream = new FakeOpenAiServer()) {
            upstream.always(Fault.status(500));
            upstream.enqueue(Fault.status(400));
            Deployment deployment = Deployment.of("f", "openai", upstream.baseUrl(), "m");
            assertThat(failure(() -> provider.chat(deployment, ask("a"))).code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
            assertThat(failure(() -> provider.chat(deployment, ask("b"))).code())
                    .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            upstream.reset();
            assertThat(provider.chat(deployment, ask("c")).message().content()).isEqualTo("You said: c");
            assertThat(upstream.requestCount()).isEqualTo(1);
            assertThat(upstream.requests()).hasSize(1);
        }
    }

    @Test
    void scripted_replies_answer_the_next_chat_requests() {
        try (var upstream = new FakeOpenAiServer()) {
            upstream.enqueueReply("scripted answer");
            Deployment deployment = Deployment.of("f", "openai", upstream.baseUrl(), "m");
            assertThat(provider.chat(deployment, ask("x")).message().content()).isEqualTo("scripted answer");
            assertThat(provider.chat(deployment, ask("x")).message().content()).isEqualTo("You said: x");
        }
    }

    @Test
    void recording_keeps_the_latest_requests_up_to_the_cap() {
        try (var upstream = new FakeOpenAiServer()) {
            upstream.maxRecorded(2);
            Deployment deployment = Deployment.of("f", "openai", upstream.baseUrl(), "m");
            for (String text : List.of("one", "two", "three")) {
                provider.chat(deployment, ask(text));
            }
            assertThat(upstream.requests()).extracting(r -> r.json().path("messages").get(0).path("content").asText())
                    .containsExactly("two", "three");
            assertThat(upstream.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void serves_keep_alive_requests_and_chunked_request_bodies_on_one_connection() throws Exception {
        try (var upstream = new FakeOpenAiServer(); Socket socket = new Socket("127.0.0.1", upstream.port())) {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"raw\"}]}";
            String fixed = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body;
            String chunked = "POST /chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(10) + "\r\n" + body.substring(0, 10) + "\r\n"
                    + Integer.toHexString(body.length() - 10) + "\r\n" + body.substring(10) + "\r\n0\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write((fixed + chunked).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = response(in);
            String second = response(in);
            assertThat(first).startsWith("HTTP/1.1 200").contains("You said: raw");
            assertThat(second).startsWith("HTTP/1.1 200").contains("You said: raw");
            assertThat(upstream.requests()).extracting(RecordedRequest::path)
                    .containsExactly("/v1/chat/completions", "/chat/completions");
        }
    }

    @Test
    void latency_keeps_a_stream_in_flight_until_it_ends_normally() throws Exception {
        try (var upstream = new FakeOpenAiServer()) {
            upstream.latency(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1));
            Deployment deployment = Deployment.of("f", "openai", upstream.baseUrl(), "m");
            List<String> pieces = new ArrayList<>();
            provider.stream(deployment, ask("a b c"), chunk -> {
                if (chunk.content() != null) {
                    pieces.add(chunk.content());
                }
            });
            assertThat(String.join("", pieces)).isEqualTo("You said: a b c");
        }
    }

    @Test
    void whole_and_streamed_answers_leave_the_connection_reusable() {
        try (var upstream = new FakeOpenAiServer()) {
            Deployment deployment = Deployment.of("f", "openai", upstream.baseUrl(), "m");
            for (int i = 0; i < 5; i++) {
                provider.stream(deployment, ask("stream " + i), chunk -> { });
                provider.chat(deployment, ask("whole " + i));
            }
            assertThat(upstream.requestCount()).isEqualTo(10);
            assertThat(upstream.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void embeddings_are_deterministic_unit_vectors() {
        float[] a = FakeAnswers.embedding("same text", 32);
        float[] b = FakeAnswers.embedding("same text", 32);
        float[] c = FakeAnswers.embedding("other text", 32);
        double norm = 0;
        for (float v : a) {
            norm += v * v;
        }
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    private static String response(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static BatonException failure(Runnable call) {
        try {
            call.run();
        } catch (BatonException e) {
            return e;
        }
        throw new AssertionError("expected a BatonException");
    }
}
