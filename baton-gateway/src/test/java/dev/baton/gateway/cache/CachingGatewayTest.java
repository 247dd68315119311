package dev.baton.gateway.cache;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.usage.FakeGateway;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachingGatewayTest {
    private static final CallContext CALL = CallContext.direct("k1");

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final FakeGateway upstream = new FakeGateway(new Pricing(1_000_000, 1_000_000));

    private CachingGateway cache(CacheSettings settings) {
        return new CachingGateway(upstream, settings, nanos::get);
    }

    private CachingGateway cache() {
        return cache(new CacheSettings(true, Duration.ofMinutes(10), 100));
    }

    private static ChatRequest ask(String question) {
        return ChatRequest.of("gpt", List.of(ChatMessage.system("be brief"), ChatMessage.user(question)));
    }

    @Test
    void a_second_identical_chat_is_answered_from_the_cache_without_calling_upstream() {
        CachingGateway gateway = cache();

        ChatResponse first = gateway.chat(ask("why?"), CALL);
        nanos.addAndGet(250_000);
        ChatResponse second = gateway.chat(ask("why?"), CALL);

        assertThat(upstream.chats).hasSize(1);
        assertThat(first.served().cacheHit()).isFalse();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.message()).isEqualTo(first.message());
        assertThat(second.usage()).isEqualTo(first.usage());
        assertThat(second.served()).isEqualTo(new Served("gpt", "cache", "cache", "fake-model", 0, Duration.ZERO,
                null, 0.0, true));
        assertThat(gateway.stats()).isEqualTo(new CacheStats(1, 1, 0, 1));
    }

    @Test
    void tenants_never_share_an_entry_but_the_callers_of_one_tenant_do() {
        CachingGateway gateway = cache();
        CallContext acme = CALL.withTenant("acme", "key-a");
        CallContext globex = CALL.withTenant("globex", "key-g");

        gateway.chat(ask("summarize contract of customer X"), acme);
        ChatResponse other = gateway.chat(ask("summarize contract of customer X"), globex);
        ChatResponse sameTenant = gateway.chat(ask("summarize contract of customer X"), acme.withTenant("acme", "k2"));
        gateway.embed(EmbeddingRequest.of("e", List.of("secret text")), acme);
        EmbeddingResponse otherVector = gateway.embed(EmbeddingRequest.of("e", List.of("secret text")), globex);

        assertThat(other.served().cacheHit()).isFalse();
        assertThat(sameTenant.served().cacheHit()).isTrue();
        assertThat(upstream.chats).hasSize(2);
        assertThat(otherVector.served().cacheHit()).isFalse();
        assertThat(RequestKeys.chat("acme", ask("why?"))).isNotEqualTo(RequestKeys.chat("globex", ask("why?")));
        assertThat(RequestKeys.embedding("acme", "e", null, "a")).isNotEqualTo(RequestKeys.embedding("globex", "e",
                null, "a"));
    }

    @Test
    void an_answer_cut_at_max_tokens_or_filtered_is_returned_but_not_stored() {
        CachingGateway gateway = cache();
        upstream.finishing(FinishReason.LENGTH);
        gateway.chat(ask("long?"), CALL);
        upstream.finishing(FinishReason.CONTENT_FILTER);
        gateway.chat(ask("long?"), CALL);
        upstream.finishing(FinishReason.STOP);
        gateway.chat(ask("long?"), CALL);
        ChatResponse replayed = gateway.chat(ask("long?"), CALL);

        assertThat(upstream.chats).hasSize(3);
        assertThat(replayed.served().cacheHit()).isTrue();
        assertThat(replayed.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void requests_differing_in_any_answer_changing_parameter_miss() {
        CachingGateway gateway = cache();
        ChatRequest base = ask("why?");
        List<ChatRequest> variants = List.of(base,
                base.withModel("other"),
                base.withMessages(List.of(ChatMessage.user("why?"))),
                new ChatRequest("gpt", base.messages(), List.of(), null, null, 0.5, null, null, List.of(), null, null),
                new ChatRequest("gpt", base.messages(), List.of(), null, null, null, 0.9, null, List.of(), null, null),
                new ChatRequest("gpt", base.messages(), List.of(), null, null, null, null, 12, List.of(), null, null),
                new ChatRequest("gpt", base.messages(), List.of(), null, null, null, null, null, List.of("x"), null, null),
                new ChatRequest("gpt", base.messages(), List.of(), null, null, null, null, null, List.of(), 7L, null),
                new ChatRequest("gpt", base.messages(), List.of(), null,
                        new dev.baton.gateway.api.ResponseFormat.JsonObject(), null, null, null, List.of(), null, null));

        variants.forEach(request -> gateway.chat(request, CALL));

        assertThat(upstream.chats).hasSize(variants.size());
        assertThat(variants.stream().map(r -> RequestKeys.chat("default", r)).distinct()).hasSize(variants.size());
    }

    @Test
    void the_end_user_id_is_not_part_of_the_key() {
        CachingGateway gateway = cache();
        ChatRequest base = ask("why?");
        ChatRequest fromAlice = new ChatRequest("gpt", base.messages(), List.of(), null, null, null, null, null,
                List.of(), null, "alice");

        gateway.chat(base, CALL);
        ChatResponse hit = gateway.chat(fromAlice, CALL);

        assertThat(upstream.chats).hasSize(1);
        assertThat(hit.served().cacheHit()).isTrue();
    }

    @Test
    void keys_are_sha256_hex_and_stable() {
        String key = RequestKeys.chat("default", ask("why?"));

        assertThat(key).matches("[0-9a-f]{64}").isEqualTo(RequestKeys.chat("default", ask("why?")));
        assertThat(RequestKeys.embedding("default", "e", null, "a"))
                .isNotEqualTo(RequestKeys.embedding("default", "e", 256, "a"))
                .isNotEqualTo(RequestKeys.embedding("default", "f", null, "a")).matches("[0-9a-f]{64}");
    }

    @Test
    void an_entry_expires_after_its_time_to_live() {
        CachingGateway gateway = cache(new CacheSettings(true, Duration.ofSeconds(60), 100));

        gateway.chat(ask("why?"), CALL);
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(gateway.chat(ask("why?"), CALL).served().cacheHit()).isTrue();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        ChatResponse afterTtl = gateway.chat(ask("why?"), CALL);

        assertThat(afterTtl.served().cacheHit()).isFalse();
        assertThat(upstream.chats).hasSize(2);
        assertThat(gateway.stats().evictions()).isEqualTo(1);
    }

    @Test
    void the_cache_holds_at_most_max_entries() {
        CachingGateway gateway = cache(new CacheSettings(true, Duration.ofMinutes(10), 5));

        for (int i = 0; i < 50; i++) {
            gateway.chat(ask("question " + i), CALL);
        }
        gateway.cleanUp();

        assertThat(gateway.stats().size()).isLessThanOrEqualTo(5);
        assertThat(gateway.stats().evictions()).isGreaterThanOrEqualTo(45);
    }

    @Test
    void no_cache_calls_neither_read_nor_write_the_cache() {
        CachingGateway gateway = cache();

        gateway.chat(ask("why?"), CALL);
        ChatResponse bypassed = gateway.chat(ask("why?"), CALL.withoutCache());
        gateway.chat(ask("new?"), CALL.withoutCache());
        ChatResponse afterBypass = gateway.chat(ask("new?"), CALL);

        assertThat(bypassed.served().cacheHit()).isFalse();
        assertThat(afterBypass.served().cacheHit()).isFalse();
        assertThat(upstream.chats).hasSize(4);
    }

    @Test
    void a_disabled_cache_passes_every_call_through() {
        CachingGateway gateway = cache(new CacheSettings(false, Duration.ofMinutes(10), 100));

        gateway.chat(ask("why?"), CALL);
        gateway.chat(ask("why?"), CALL);
        gateway.embed(EmbeddingRequest.of("e", List.of("a")), CALL);
        gateway.embed(EmbeddingRequest.of("e", List.of("a")), CALL);

        assertThat(upstream.calls()).isEqualTo(4);
        assertThat(gateway.stats()).isEqualTo(new CacheStats(0, 0, 0, 0));
    }

    @Test
    void errors_are_never_cached() {
        CachingGateway gateway = cache();
        upstream.failingWith(FakeGateway.error(ErrorCode.UPSTREAM_UNAVAILABLE));

        assertThatThrownBy(() -> gateway.chat(ask("why?"), CALL)).isInstanceOf(BatonException.class);
        assertThatThrownBy(() -> gateway.embed(EmbeddingRequest.of("e", List.of("a")), CALL))
                .isInstanceOf(BatonException.class);
        upstream.failingWith(null);
        ChatResponse recovered = gateway.chat(ask("why?"), CALL);
        EmbeddingResponse embedded = gateway.embed(EmbeddingRequest.of("e", List.of("a")), CALL);

        assertThat(recovered.served().cacheHit()).isFalse();
        assertThat(embedded.served().cacheHit()).isFalse();
        assertThat(upstream.calls()).isEqualTo(4);
    }

    @Test
    void streams_are_never_cached() {
        CachingGateway gateway = cache();
        List<String> chunks = new ArrayList<>();

        gateway.stream(ask("why?"), CALL, chunk -> chunks.add(chunk.content()));
        StreamResult second = gateway.stream(ask("why?"), CALL, chunk -> chunks.add(chunk.content()));
        ChatResponse whole = gateway.chat(ask("why?"), CALL);

        assertThat(upstream.streams).hasSize(2);
        assertThat(second.served().cacheHit()).isFalse();
        assertThat(whole.served().cacheHit()).isFalse();
        assertThat(chunks).hasSize(4);
    }

    @Test
    void embeddings_are_cached_per_text_and_only_misses_go_upstream_in_input_order() {
        CachingGateway gateway = cache();
        gateway.embed(EmbeddingRequest.of("e", List.of("alpha", "beta")), CALL);

        EmbeddingResponse mixed = gateway.embed(EmbeddingRequest.of("e", List.of("gamma", "alpha", "delta", "beta",
                "gamma")), CALL);

        assertThat(upstream.embeddings).hasSize(2);
        assertThat(upstream.embeddings.get(1).input()).containsExactly("gamma", "delta");
        assertThat(mixed.vectors()).containsExactly(FakeGateway.vectorOf("gamma"), FakeGateway.vectorOf("alpha"),
                FakeGateway.vectorOf("delta"), FakeGateway.vectorOf("beta"), FakeGateway.vectorOf("gamma"));
        assertThat(mixed.usage()).isEqualTo(new Usage(10, 0, false));
        assertThat(mixed.served().cacheHit()).isFalse();
        assertThat(gateway.stats().hits()).isEqualTo(2);
        assertThat(gateway.stats().misses()).isEqualTo(4);
    }

    @Test
    void an_embeddings_request_whose_texts_are_all_cached_is_a_hit_that_used_no_tokens() {
        CachingGateway gateway = cache();
        gateway.embed(EmbeddingRequest.of("e", List.of("alpha", "beta")), CALL);

        EmbeddingResponse hit = gateway.embed(EmbeddingRequest.of("e", List.of("beta", "alpha")), CALL);

        assertThat(upstream.embeddings).hasSize(1);
        assertThat(hit.vectors()).containsExactly(FakeGateway.vectorOf("beta"), FakeGateway.vectorOf("alpha"));
        assertThat(hit.usage()).isEqualTo(Usage.ZERO);
        assertThat(hit.served()).isEqualTo(new Served("e", "cache", "cache", "fake-model", 0, Duration.ZERO, null,
                0.0, true));
    }

    @Test
    void embeddings_with_other_dimensions_or_model_are_separate_entries() {
        CachingGateway gateway = cache();

        gateway.embed(EmbeddingRequest.of("e", List.of("alpha")), CALL);
        gateway.embed(new EmbeddingRequest("e", List.of("alpha"), 64, null), CALL);
        gateway.embed(EmbeddingRequest.of("f", List.of("alpha")), CALL);
        gateway.embed(new EmbeddingRequest("e", List.of("alpha"), null, "someone"), CALL);

        assertThat(upstream.embeddings).hasSize(3);
    }

    @Test
    void no_cache_embeddings_bypass_the_cache() {
        CachingGateway gateway = cache();
        gateway.embed(EmbeddingRequest.of("e", List.of("alpha")), CALL);

        EmbeddingResponse bypassed = gateway.embed(EmbeddingRequest.of("e", List.of("alpha")), CALL.withoutCache());

        assertThat(bypassed.served().cacheHit()).isFalse();
        assertThat(upstream.embeddings).hasSize(2);
    }
}
