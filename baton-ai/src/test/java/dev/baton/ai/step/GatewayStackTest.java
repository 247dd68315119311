package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.gateway.InProcessEmbeddingProvider;
import dev.baton.ai.gateway.LocalModelAliases;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.ManualEngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.core.workflow.WorkflowValidator;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.routing.Router;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.gateway.testing.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI steps on the real gateway router: two OpenAI-compatible fake upstreams over HTTP behind one chat alias
 * (priority order), a remote embedding alias, and the in-process model as the {@code local} alias the node adds.
 */
class GatewayStackTest {
    private final FakeOpenAiServer primary = new FakeOpenAiServer();
    private final FakeOpenAiServer secondary = new FakeOpenAiServer();
    private final OpenAiProvider openai = new OpenAiProvider(Map.of());
    private final FakeEmbeddingModel local = new FakeEmbeddingModel("mini", 8);
    private final EmbeddingModelRegistry models = EmbeddingModelRegistry.of(local);
    private final Router router = new Router(config(), Map.of("openai", openai, "local",
            new InProcessEmbeddingProvider(models)), InstantSource.system(), new SplittableRandom(3), delay -> { });
    private final Gate gate = new Gate();
    private final StepRegistry registry = StepRegistry.of(concat(AiSteps.handlers(models, router, 0), gate));

    @AfterEach
    void close() {
        router.close();
        openai.close();
        primary.close();
        secondary.close();
    }

    private GatewayConfig config() {
        ModelAlias chat = new ModelAlias("default", ModelKind.CHAT, Strategy.PRIORITY, List.of(
                deployment("primary", primary, "gpt-fake"), deployment("secondary", secondary, "gpt-fake")), List.of());
        ModelAlias embed = new ModelAlias("remote-embed", ModelKind.EMBEDDING, Strategy.PRIORITY,
                List.of(deployment("embedder", primary, "embed-fake")), List.of());
        return LocalModelAliases.addTo(GatewayConfig.EMPTY.withModel(chat).withModel(embed), models);
    }

    private static Deployment deployment(String id, FakeOpenAiServer server, String model) {
        return new Deployment(id, "openai", server.baseUrl(), model, null, 1, RateLimits.UNLIMITED, Timeouts.DEFAULT,
                new Pricing(2.0, 4.0), BreakerSettings.DEFAULT, Map.of(), true);
    }

    private static List<StepHandler> concat(List<StepHandler> handlers, StepHandler more) {
        return java.util.stream.Stream.concat(handlers.stream(), java.util.stream.Stream.of(more)).toList();
    }

    @Test
    void the_in_process_model_is_a_local_embedding_alias_served_with_no_upstream() {
        assertThat(router.models()).extracting(ModelInfo::alias, ModelInfo::kind).contains(
                org.assertj.core.groups.Tuple.tuple("mini", ModelKind.EMBEDDING),
                org.assertj.core.groups.Tuple.tuple("default", ModelKind.CHAT));

        EmbeddingResponse response = router.embed(EmbeddingRequest.of("mini", List.of("hello", "world")),
                CallContext.direct(CallContext.ANONYMOUS));

        assertThat(response.vectors()).hasSize(2);
        assertThat(response.served().provider()).isEqualTo("local");
        assertThat(response.served().deployment()).isEqualTo("local-mini");
        assertThat(response.served().costUsd()).isZero();
        assertThat(primary.requestCount() + secondary.requestCount()).isZero();
    }

    @Test
    void llm_chat_fails_over_to_the_next_deployment_and_repairs_the_answer_it_gets() throws Exception {
        primary.enqueue(Fault.status(503));
        secondary.enqueueReply("{\"title\": 7}");

        JsonNode output = registry.find("llm.chat").orElseThrow().execute(TestContext.unbounded(), Args.json("""
                {'prompt': 'Name the meeting', 'schema': {'type': 'object', 'required': ['title'],
                 'properties': {'title': {'type': 'string'}}}}"""));

        assertThat(output.at("/json/title").isTextual()).isTrue();
        assertThat(output.get("calls").asInt()).isEqualTo(2);
        assertThat(output.get("model").asText()).isEqualTo("default");
        // 503 on primary → failover to secondary, whose answer is invalid → the repair turn, by priority, on primary
        assertThat(secondary.requestCount()).isEqualTo(1);
        assertThat(primary.requestCount()).isEqualTo(2);
        assertThat(output.get("deployment").asText()).isEqualTo("primary");
        assertThat(primary.lastRequest().json().get("messages").get(1).path("content").asText()).isEqualTo("{\"title\": 7}");
        assertThat(output.get("costUsd").asDouble()).isPositive();
    }

    @Test
    void embed_through_a_remote_alias_is_routed_to_its_upstream() throws Exception {
        JsonNode output = registry.find("embed").orElseThrow().execute(TestContext.unbounded(),
                Args.json("{'text': 'hello', 'model': 'remote-embed'}"));

        assertThat(output.get("model").asText()).isEqualTo("remote-embed");
        assertThat(primary.lastRequest().json().path("model").asText()).isEqualTo("embed-fake");
    }

    @Test
    void after_a_crash_and_resume_the_upstream_is_not_called_again_for_a_finished_llm_chat_step() throws Exception {
        String yaml = """
                id: ask-then-wait
                steps:
                  ask: {uses: llm.chat, with: {prompt: "Say hello"}}
                  wait: {uses: gate, with: {value: "{{ steps.ask.output.text }}"}}
                outputs:
                  said: "{{ steps.wait.output }}"
                """;
        Workflow workflow = new WorkflowValidator(registry).validate(new WorkflowParser(), yaml, "ask.yaml").withVersion(1);
        InMemoryRunStore store = new InMemoryRunStore();
        ManualEngineClock clock = new ManualEngineClock(Instant.parse("2026-01-01T00:00:00Z"));
        LocalEngine engine = engine(store, workflow, clock);
        Run run = engine.start(new StartRequest("default", workflow.id(), 0, new ObjectMapper().createObjectNode(), 0, null));
        eventually(() -> gate.entered.get() == 1);
        long callsBeforeCrash = primary.requestCount() + secondary.requestCount();

        engine.close();
        engine = engine(store, workflow, new ManualEngineClock(clock.instant()));
        try {
            engine.resumeUnfinished();
            eventually(() -> gate.entered.get() == 2);
            gate.releases.release(1);
            RunView view = engine.completion("default", run.id()).get(30, TimeUnit.SECONDS);

            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(callsBeforeCrash).isEqualTo(1);
            assertThat(primary.requestCount() + secondary.requestCount()).isEqualTo(1);
            assertThat(view.run().outputs().get("said").asText()).isEqualTo("You said: Say hello");
        } finally {
            gate.releases.release(10);
            engine.close();
        }
    }

    private LocalEngine engine(InMemoryRunStore store, Workflow workflow, ManualEngineClock clock) {
        return LocalEngine.builder(store, (tenant, id, version) -> {
            if (!id.equals(workflow.id())) {
                throw BatonException.notFound("workflow", id);
            }
            return workflow;
        }, registry).clock(clock).random(new SplittableRandom(5)).build();
    }

    private static void eventually(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** A step that returns its {@code value} once released; counts entries. */
    private static final class Gate implements StepHandler {
        final Semaphore releases = new Semaphore(0);
        final AtomicInteger entered = new AtomicInteger();

        @Override
        public String type() {
            return "gate";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of("value"), Set.of());
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            entered.incrementAndGet();
            releases.acquire();
            return arguments.get("value");
        }
    }
}
