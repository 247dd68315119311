package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamRoutingTest {
    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final List<String> received = new ArrayList<>();
    private final ChunkSink sink = chunk -> {
        if (chunk.content() != null) {
            received.add(chunk.content());
        }
    };
    private final Router router = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))),
            provider, clock, sleeper);

    @Test
    void a_stream_that_fails_before_its_first_chunk_fails_over_invisibly() {
        provider.then("a", new ScriptedProvider.Stream(List.of(), ScriptedProvider.unavailable("connection reset")));
        provider.latency("b", Duration.ofMillis(250));
        var result = router.stream(ask("m"), CALLER, sink);
        assertThat(received).containsExactly("hello ", "from ", "b");
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b");
        assertThat(provider.calls()).extracting(ScriptedProvider.Call::model).containsExactly("a-model", "b-model");
        var served = result.served();
        assertThat(served.deployment()).isEqualTo("b");
        assertThat(served.attempts()).isEqualTo(2);
        // backoff wait + b's 250 ms before its first chunk, from the start of the call
        assertThat(served.timeToFirstToken()).isEqualTo(sleeper.waits().getFirst().plusMillis(250));
        assertThat(served.latency()).isEqualTo(served.timeToFirstToken());
    }

    @Test
    void a_stream_cut_after_the_first_chunk_ends_with_an_error_and_no_retry() {
        provider.then("a", new ScriptedProvider.Stream(List.of("partial "), ScriptedProvider.unavailable("reset")));
        assertThatThrownBy(() -> router.stream(ask("m"), CALLER, sink))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).startsWith("stream cut after the first token: ").contains("reset");
                });
        assertThat(received).containsExactly("partial ");
        assertThat(provider.deploymentsCalled()).containsExactly("a");
        assertThat(router.deployment("a").failures()).isEqualTo(1);
    }

    @Test
    void empty_chunks_do_not_close_the_failover_window() {
        provider.then("a", new ScriptedProvider.Stream(List.of(""), ScriptedProvider.unavailable("reset")));
        router.stream(ask("m"), CALLER, sink);
        assertThat(received).containsExactly("hello ", "from ", "b");
    }

    @Test
    void a_failing_sink_ends_the_stream_with_its_own_exception_and_is_not_held_against_the_deployment() {
        var gone = new IllegalStateException("client went away");
        ChunkSink failing = chunk -> {
            throw gone;
        };
        assertThatThrownBy(() -> router.stream(ask("m"), CALLER, failing)).isSameAs(gone);
        assertThat(provider.deploymentsCalled()).containsExactly("a");
        var status = router.deployment("a");
        assertThat(status.failures()).isZero();
        assertThat(status.inFlight()).isZero();
    }

    @Test
    void the_final_chunk_reaches_the_sink_with_its_finish_reason() {
        var chunks = new ArrayList<ChatChunk>();
        router.stream(ask("m"), CALLER, chunks::add);
        assertThat(chunks.getLast().finishReason()).isNotNull();
    }
}
