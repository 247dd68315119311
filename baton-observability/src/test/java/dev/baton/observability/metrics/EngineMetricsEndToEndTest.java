package dev.baton.observability.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.ManualEngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EngineMetrics} as the observer of a real {@link LocalEngine} (in-memory store, manual clock): retries,
 * a timeout and the gauges, as the engine reports them.
 */
class EngineMetricsEndToEndTest {
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
    private static final String TENANT = "default";
    private static final WorkflowParser PARSER = new WorkflowParser();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), new MockClock());
    private final EngineMetrics metrics = new EngineMetrics(registry, 10);
    private final ManualEngineClock clock = new ManualEngineClock(T0);
    private final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    private final LocalEngine engine = LocalEngine.builder(new InMemoryRunStore(),
                    (tenant, id, version) -> {
                        Workflow workflow = workflows.get(id);
                        if (workflow == null) {
                            throw BatonException.notFound("workflow", id);
                        }
                        return workflow;
                    }, StepRegistry.of(List.of(new Flaky(), new Stuck())))
            .clock(clock)
            .observer(metrics)
            .build();

    @AfterEach
    void close() {
        engine.close();
    }

    private void register(String yaml) {
        Workflow workflow = PARSER.parse(yaml, "test.yaml").withVersion(1);
        workflows.put(workflow.id(), workflow);
    }

    /** Starts a run and advances the manual clock a second at a time until it finishes (retries, timeouts). */
    private RunView run(String workflowId) throws Exception {
        Run run = engine.start(StartRequest.of(TENANT, workflowId, JsonNodeFactory.instance.objectNode()));
        CompletableFuture<RunView> done = engine.completion(TENANT, run.id());
        for (int i = 0; i < 600; i++) {
            try {
                return done.get(10, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        throw new AssertionError("run " + run.id() + " did not finish");
    }

    /** Scrapes until {@code series} has {@code value} (observers are told right after the journal), at most 10 s. */
    private Scraped scrapeUntil(double value, String name, String... labels) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Scraped s = Scraped.parse(registry.scrape());
            Double current = s.value(name, labels);
            if (current != null && current == value || System.nanoTime() > deadline) {
                return s;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    @Test
    void counts_the_retries_of_a_run_that_succeeds_on_its_third_attempt() throws Exception {
        register("""
                id: flaky-call
                steps:
                  call:
                    uses: flaky
                    retry: {maxAttempts: 3, backoff: fixed, initialDelay: 1s, jitter: 0}
                """);

        assertThat(run("flaky-call").run().status().wireName()).isEqualTo("succeeded");

        Scraped s = scrapeUntil(1, "baton_runs_finished_total", "workflow", "flaky-call", "status", "succeeded");
        assertThat(s.value("baton_runs_finished_total", "workflow", "flaky-call", "status", "succeeded"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_runs_started_total", "workflow", "flaky-call")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "flaky", "outcome", "failed")).isEqualTo(2.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "flaky", "outcome", "succeeded"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_retries_total", "step_type", "flaky")).isEqualTo(2.0);
        assertThat(s.value("baton_run_duration_seconds_sum", "workflow", "flaky-call", "status", "succeeded"))
                .as("two backoffs of 1 s on the manual clock").isGreaterThanOrEqualTo(2.0);
        assertThat(s.value("baton_run_queue_wait_seconds_count")).isEqualTo(1.0);
        assertThat(s.value("baton_runs_in_flight")).as("gauges read 0 until bound").isEqualTo(0.0);
    }

    @Test
    void counts_an_attempt_that_times_out() throws Exception {
        register("""
                id: stuck-call
                steps:
                  wait:
                    uses: stuck
                    timeout: 5s
                    retry: {maxAttempts: 1}
                """);
        metrics.bind(engine);

        RunView view = run("stuck-call");

        String status = view.run().status().wireName();
        Scraped s = scrapeUntil(1, "baton_runs_finished_total", "workflow", "stuck-call", "status", status);
        assertThat(s.value("baton_step_timeouts_total", "step_type", "stuck")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "stuck", "outcome", "timed_out"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_attempt_duration_seconds_sum", "step_type", "stuck", "outcome",
                "timed_out")).isGreaterThanOrEqualTo(5.0);
        assertThat(s.value("baton_runs_finished_total", "workflow", "stuck-call", "status", status)).isEqualTo(1.0);
        assertThat(s.value("baton_runs_in_flight")).isEqualTo(0.0);
        assertThat(s.value("baton_runs_queued")).isEqualTo(0.0);
    }

    /** Fails the first two attempts of each run with a retriable error, then answers. */
    private static final class Flaky implements StepHandler {
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public String type() {
            return "flaky";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of());
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) {
            if (calls.computeIfAbsent(context.runId(), id -> new AtomicInteger()).incrementAndGet() <= 2) {
                throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream down");
            }
            return JsonNodeFactory.instance.textNode("ok");
        }
    }

    /** Blocks until interrupted (by the attempt's timeout). */
    private static final class Stuck implements StepHandler {
        @Override
        public String type() {
            return "stuck";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of());
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            new CountDownLatch(1).await();
            return JsonNodeFactory.instance.nullNode();
        }
    }
}
