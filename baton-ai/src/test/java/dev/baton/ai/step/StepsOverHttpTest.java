package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.gateway.InProcessEmbeddingProvider;
import dev.baton.ai.gateway.LocalModelAliases;
import dev.baton.ai.testing.DirectGateway;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.step.StepHandler;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.testing.Fault;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.gateway.testing.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The AI steps against a real OpenAI-compatible HTTP server (the fake upstream on 127.0.0.1) through the real
 * {@link OpenAiProvider}; the in-process model through the {@code local} provider.
 */
class StepsOverHttpTest {
    private static final String SCHEMA = """
            'schema': {'type': 'object', 'required': ['summary', 'count'], 'additionalProperties': false,
                       'properties': {'summary': {'type': 'string'}, 'count': {'type': 'integer', 'minimum': 2}}}""";

    private final FakeOpenAiServer upstream = new FakeOpenAiServer();
    private final OpenAiProvider openai = new OpenAiProvider(Map.of("FAKE_KEY", "sk-test"));
    private final FakeEmbeddingModel local = new FakeEmbeddingModel("mini", 8);
    private final EmbeddingModelRegistry models = EmbeddingModelRegistry.of(local);
    private final DirectGateway gateway = new DirectGateway(List.of(
            alias("default", ModelKind.CHAT, "gpt-fake", new Pricing(1.0, 2.0)),
            alias("remote-embed", ModelKind.EMBEDDING, "embed-fake", Pricing.FREE),
            LocalModelAliases.alias("mini")),
            List.of(openai, new InProcessEmbeddingProvider(models)));
    private final Map<String, StepHandler> steps = AiSteps.handlers(models, gateway, 0).stream()
            .collect(Collectors.toMap(StepHandler::type, Function.identity()));

    @AfterEach
    void close() {
        openai.close();
        upstream.close();
    }

    private ModelAlias alias(String name, ModelKind kind, String upstreamModel, Pricing pricing) {
        Deployment deployment = new Deployment(name + "-fake", "openai", upstream.baseUrl(), upstreamModel,
                dev.baton.gateway.config.SecretRef.parse("apiKey", "env:FAKE_KEY"), 1, RateLimits.UNLIMITED,
                Timeouts.DEFAULT, pricing, BreakerSettings.DEFAULT, Map.of(), true);
        return new ModelAlias(name, kind, Strategy.ROUND_ROBIN, List.of(deployment), List.of());
    }

    private JsonNode run(String type, String arguments) throws InterruptedException {
        return steps.get(type).execute(TestContext.unbounded(), Args.json(arguments));
    }

    @Test
    void llm_chat_sends_the_schema_as_json_schema_and_repairs_an_invalid_answer_over_http() throws Exception {
        upstream.requireApiKey("sk-test");
        upstream.enqueueReply("{\"summary\": \"short\", \"count\": 1}");

        JsonNode output = run("llm.chat", "{'prompt': 'Summarise the notes', 'system': 'Be brief.', " + SCHEMA + "}");

        List<RecordedRequest> requests = upstream.requests();
        assertThat(requests).hasSize(2);
        JsonNode first = requests.get(0).json();
        assertThat(first.path("model").asText()).isEqualTo("gpt-fake");
        assertThat(first.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(first.at("/response_format/json_schema/schema/properties/count/minimum").asInt()).isEqualTo(2);
        JsonNode repair = requests.get(1).json().get("messages");
        assertThat(repair).hasSize(4);
        assertThat(repair.get(2).path("role").asText()).isEqualTo("assistant");
        assertThat(repair.get(2).path("content").asText()).contains("\"count\": 1");
        assertThat(repair.get(3).path("role").asText()).isEqualTo("user");
        assertThat(repair.get(3).path("content").asText()).contains("count").contains("2");
        assertThat(output.at("/json/count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(output.get("calls").asInt()).isEqualTo(2);
        assertThat(output.at("/usage/estimated").asBoolean()).isFalse();
        long input = output.at("/usage/inputTokens").asLong();
        long out = output.at("/usage/outputTokens").asLong();
        assertThat(input).isPositive();
        assertThat(output.get("costUsd").asDouble()).isCloseTo((input * 1.0 + out * 2.0) / 1_000_000, within(1e-12));
        assertThat(output.get("deployment").asText()).isEqualTo("default-fake");
    }

    @Test
    void llm_classify_gets_a_label_from_the_enum_over_http() throws Exception {
        JsonNode output = run("llm.classify", "{'text': 'It crashes', 'labels': ['bug', 'question']}");

        JsonNode request = upstream.lastRequest().json();
        assertThat(request.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(request.path("temperature").asDouble()).isZero();
        assertThat(output.get("label").asText()).isIn("bug", "question");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void upstream_failures_reach_the_step_with_their_retriability() {
        upstream.enqueue(Fault.status(503), Fault.status(400, "{\"error\": {\"message\": \"bad request\"}}"));

        assertThatThrownBy(() -> run("llm.chat", "{'prompt': 'x'}")).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        assertThatThrownBy(() -> run("llm.chat", "{'prompt': 'x'}")).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
            assertThat(e.retriable()).isFalse();
        });
    }

    @Test
    void embed_with_a_remote_alias_goes_over_http_and_the_in_process_alias_through_the_local_provider()
            throws Exception {
        JsonNode remote = run("embed", "{'texts': ['one', 'two'], 'model': 'remote-embed'}");

        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("embed-fake");
        assertThat(remote.get("count").asInt()).isEqualTo(2);
        assertThat(remote.get("dimensions").asInt()).isEqualTo(16);

        EmbeddingResponse viaGateway = gateway.embed(EmbeddingRequest.of("mini", List.of("hello")),
                dev.baton.gateway.CallContext.direct("anonymous"));
        assertThat(viaGateway.vectors().getFirst()).containsExactly(FakeEmbeddingModel.vector("hello", 8));
        assertThat(viaGateway.served().provider()).isEqualTo("local");
        assertThat(viaGateway.served().costUsd()).isZero();
    }
}
