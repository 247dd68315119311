package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.secret.SecretSource;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code {{ secrets.NAME }}} through the engine: resolved per attempt, handed to the handler, never stored. */
class SecretStepsTest {
    private static final String VALUE = "tok-3f9a1c77e2";

    /** A handler like http: takes secrets in headers, echoes them in its output, or fails quoting them. */
    static final class Echo implements StepHandler {
        final List<JsonNode> seen = new CopyOnWriteArrayList<>();
        final List<Set<String>> secretArguments = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "call";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of("headers", "fail"), Set.of("headers.*"));
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) {
            seen.add(arguments);
            secretArguments.add(context.secretArguments());
            if (arguments.path("fail").asBoolean()) {
                throw new BatonException(ErrorCode.UPSTREAM_REJECTED, "401 from service: bad token "
                        + arguments.path("headers").path("Authorization").asText());
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("echo", arguments.path("headers"));
            return out;
        }
    }

    private final Echo echo = new Echo();
    private final Map<String, String> asked = new ConcurrentHashMap<>();
    private final SecretSource source = (tenant, name) -> {
        asked.put(name, tenant);
        return name.equals("API_TOKEN") ? Optional.of(VALUE) : Optional.empty();
    };
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    private final LocalEngine engine = LocalEngine.builder(store, (tenant, id, version) -> workflows.get(id),
                    StepRegistry.of(List.of(echo)))
            .clock(new ManualEngineClock(EngineFixture.T0))
            .random(new SplittableRandom(1))
            .secrets(source)
            .build();

    @AfterEach
    void close() {
        engine.close();
    }

    private RunViewAndEvents run(String yaml) throws Exception {
        Workflow workflow = new WorkflowParser().parse(yaml, "wf.yaml").withVersion(1);
        workflows.put(workflow.id(), workflow);
        Run run = engine.start(StartRequest.of("acme", workflow.id(), null));
        RunView view = engine.completion("acme", run.id()).get(30, TimeUnit.SECONDS);
        return new RunViewAndEvents(view, store.events(run.id(), 0, 1000).toString());
    }

    record RunViewAndEvents(RunView view, String events) {
        StepAttempt attempt(String stepId) {
            return view.attempts().stream().filter(a -> a.stepId().equals(stepId)).findFirst().orElseThrow();
        }
    }

    @Test
    void the_handler_gets_the_value_and_the_run_record_only_the_placeholder_and_a_scrubbed_output() throws Exception {
        RunViewAndEvents result = run("""
                id: secret-call
                steps:
                  call:
                    uses: call
                    with:
                      headers: {Authorization: "Bearer {{ secrets.API_TOKEN }}", X-Run: "{{ run.id }}"}
                  after:
                    uses: transform
                    with: {value: "{{ steps.call.output.echo.Authorization }}"}
                """);

        assertThat(result.view().run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(echo.seen.getFirst().path("headers").path("Authorization").asText()).isEqualTo("Bearer " + VALUE);
        assertThat(asked).containsEntry("API_TOKEN", "acme");
        assertThat(echo.secretArguments).containsExactly(Set.of("headers.Authorization"));
        StepAttempt call = result.attempt("call");
        assertThat(call.input().path("headers").path("Authorization").asText()).isEqualTo("Bearer [secret:API_TOKEN]");
        assertThat(call.output().path("echo").path("Authorization").asText()).isEqualTo("Bearer [REDACTED]");
        assertThat(result.attempt("after").output().asText()).isEqualTo("Bearer [REDACTED]");
        assertThat(result.view().toString()).doesNotContain(VALUE);
        assertThat(result.events()).contains("[secret:API_TOKEN]").doesNotContain(VALUE);
    }

    @Test
    void the_inner_step_of_a_map_gets_the_value_for_every_item() throws Exception {
        RunViewAndEvents result = run("""
                id: secret-map
                steps:
                  each:
                    uses: map
                    with:
                      items: [a, b]
                      step:
                        uses: call
                        with: {headers: {Authorization: "{{ item }}:{{ secrets.API_TOKEN }}"}}
                """);

        assertThat(result.view().run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(echo.seen).extracting(a -> a.path("headers").path("Authorization").asText())
                .containsExactlyInAnyOrder("a:" + VALUE, "b:" + VALUE);
        assertThat(result.attempt("each[1]").input().toString()).contains("b:[secret:API_TOKEN]");
        assertThat(result.attempt("each").output().toString())
                .isEqualTo("[{\"echo\":{\"Authorization\":\"a:[REDACTED]\"}},{\"echo\":{\"Authorization\":\"b:[REDACTED]\"}}]");
        assertThat(result.events()).doesNotContain(VALUE);
    }

    @Test
    void an_error_quoting_the_value_is_scrubbed_before_it_is_journaled() throws Exception {
        RunViewAndEvents result = run("""
                id: secret-fail
                steps:
                  call:
                    uses: call
                    with: {fail: true, headers: {Authorization: "{{ secrets.API_TOKEN }}"}}
                """);

        StepAttempt call = result.attempt("call");
        assertThat(call.status()).isEqualTo(AttemptStatus.FAILED);
        assertThat(call.error().message()).isEqualTo("401 from service: bad token [REDACTED]");
        assertThat(result.view().run().error().message()).doesNotContain(VALUE);
        assertThat(result.events()).doesNotContain(VALUE);
    }

    @Test
    void a_placeholder_smuggled_in_through_run_inputs_is_only_text() throws Exception {
        Workflow workflow = new WorkflowParser().parse("""
                id: secret-smuggle
                steps:
                  call:
                    uses: call
                    with: {headers: {X-Note: "{{ inputs.note }}"}}
                """, "wf.yaml").withVersion(1);
        workflows.put(workflow.id(), workflow);
        Run run = engine.start(StartRequest.of("acme", workflow.id(),
                JsonNodeFactory.instance.objectNode().put("note", "[secret:API_TOKEN] {{ secrets.API_TOKEN }}")));
        RunView view = engine.completion("acme", run.id()).get(30, TimeUnit.SECONDS);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(echo.seen.getFirst().path("headers").path("X-Note").asText())
                .isEqualTo("[secret:API_TOKEN] {{ secrets.API_TOKEN }}");
        assertThat(asked).isEmpty();
    }

    @Test
    void an_unknown_secret_fails_the_step_naming_it() throws Exception {
        RunViewAndEvents result = run("""
                id: secret-missing
                steps:
                  call:
                    uses: call
                    with: {headers: {Authorization: "{{ secrets.NOPE }}"}}
                """);

        StepAttempt call = result.attempt("call");
        assertThat(call.status()).isEqualTo(AttemptStatus.FAILED);
        assertThat(call.error().code()).isEqualTo("invalid-argument");
        assertThat(call.error().message()).contains("steps.call.with.headers.Authorization",
                "needs secret 'NOPE', which tenant 'acme' does not have");
        assertThat(echo.seen).isEmpty();
    }

    @Test
    void a_reference_outside_the_accepted_fields_is_refused_at_run_time_too() throws Exception {
        RunViewAndEvents result = run("""
                id: secret-unvalidated
                steps:
                  call:
                    uses: call
                    with: {fail: "{{ secrets.API_TOKEN }}"}
                  copy:
                    uses: transform
                    with: {value: "{{ secrets.API_TOKEN }}"}
                """);

        assertThat(result.attempt("call").error().code()).isEqualTo("invalid-workflow");
        assertThat(result.attempt("copy").output().asText()).isEqualTo("[secret:API_TOKEN]");
        assertThat(echo.seen).isEmpty();
        assertThat(asked).isEmpty();
    }
}
