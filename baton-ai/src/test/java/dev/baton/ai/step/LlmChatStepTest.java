package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.testing.ScriptedGateway;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LlmChatStepTest {
    private static final String SCHEMA = """
            'schema': {'type': 'object', 'required': ['summary', 'count'],
                       'properties': {'summary': {'type': 'string'}, 'count': {'type': 'integer'}}}""";

    private final ScriptedGateway gateway = new ScriptedGateway()
            .model("default", ModelKind.CHAT)
            .model("fast", ModelKind.CHAT)
            .model("embedder", ModelKind.EMBEDDING);
    private final LlmChatStep step = new LlmChatStep(gateway);

    private JsonNode run(String arguments) throws InterruptedException {
        return step.execute(TestContext.unbounded(), Args.json(arguments));
    }

    @Test
    void a_prompt_with_a_system_message_becomes_a_two_message_request_to_the_default_model() throws Exception {
        gateway.answers("Paris.");

        JsonNode output = run("{'prompt': 'Capital of France?', 'system': 'Answer in one word.'}");

        ChatRequest request = gateway.chatRequests().getFirst();
        assertThat(request.model()).isEqualTo("default");
        assertThat(request.messages()).extracting(m -> m.role(), m -> m.content()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Role.SYSTEM, "Answer in one word."),
                org.assertj.core.groups.Tuple.tuple(Role.USER, "Capital of France?"));
        assertThat(request.responseFormat()).isNull();
        assertThat(output.get("text").asText()).isEqualTo("Paris.");
        assertThat(output.has("json")).isFalse();
        assertThat(output.get("finishReason").asText()).isEqualTo("stop");
        assertThat(output.at("/usage/inputTokens").asLong()).isEqualTo(10);
        assertThat(output.at("/usage/outputTokens").asLong()).isEqualTo(5);
        assertThat(output.at("/usage/estimated").asBoolean()).isFalse();
        assertThat(output.get("model").asText()).isEqualTo("default");
        assertThat(output.get("deployment").asText()).isEqualTo("default-1");
        assertThat(output.get("costUsd").asDouble()).isCloseTo(0.001, within(1e-12));
        assertThat(output.get("cached").asBoolean()).isFalse();
        assertThat(output.get("calls").asInt()).isEqualTo(1);
    }

    @Test
    void messages_and_sampling_parameters_are_passed_through() throws Exception {
        gateway.answers("ok");

        run("""
                {'model': 'fast',
                 'messages': [{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'Hi'},
                              {'role': 'assistant', 'content': 'Hello!'}, {'role': 'user', 'content': 'Bye'}],
                 'temperature': 0.2, 'topP': 0.9, 'maxTokens': 64, 'stop': ['END'], 'seed': 7}""");

        ChatRequest request = gateway.chatRequests().getFirst();
        assertThat(request.model()).isEqualTo("fast");
        assertThat(request.messages()).extracting(m -> m.role())
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(request.temperature()).isEqualTo(0.2);
        assertThat(request.topP()).isEqualTo(0.9);
        assertThat(request.maxTokens()).isEqualTo(64);
        assertThat(request.stop()).containsExactly("END");
        assertThat(request.seed()).isEqualTo(7L);
    }

    @Test
    void calls_carry_the_run_workflow_and_step_for_accounting() throws Exception {
        gateway.answers("ok");

        run("{'prompt': 'x'}");

        var call = gateway.calls.getFirst().context();
        assertThat(call.runId()).isEqualTo("run-1");
        assertThat(call.workflow()).isEqualTo("test-workflow");
        assertThat(call.stepId()).isEqualTo("step");
        assertThat(call.principal()).isEqualTo("anonymous");
        assertThat(call.useCache()).isTrue();
    }

    @Test
    void cache_false_opts_the_calls_out_of_the_response_cache() throws Exception {
        gateway.answers("one", "two");

        run("{'prompt': 'A name for a cat', 'temperature': 1.2, 'cache': false}");
        run("{'prompt': 'A name for a cat', 'temperature': 1.2}");

        assertThat(gateway.calls).extracting(call -> call.context().useCache()).containsExactly(false, true);
    }

    @Test
    void a_schema_is_sent_as_the_response_format_and_the_valid_answer_is_parsed() throws Exception {
        gateway.answers("{\"summary\": \"short\", \"count\": 3}");

        JsonNode output = run("{'prompt': 'Summarise', " + SCHEMA + "}");

        ResponseFormat format = gateway.chatRequests().getFirst().responseFormat();
        assertThat(format).isInstanceOfSatisfying(ResponseFormat.JsonSchema.class, schema -> {
            assertThat(schema.name()).isEqualTo("step");
            assertThat(schema.schema().at("/properties/count/type").asText()).isEqualTo("integer");
        });
        assertThat(output.at("/json/summary").asText()).isEqualTo("short");
        assertThat(output.at("/json/count").asInt()).isEqualTo(3);
        assertThat(output.get("calls").asInt()).isEqualTo(1);
    }

    @Test
    void a_json_answer_in_a_markdown_fence_is_accepted() throws Exception {
        gateway.answers("```json\n{\"summary\": \"s\", \"count\": 1}\n```");

        JsonNode output = run("{'prompt': 'Summarise', " + SCHEMA + "}");

        assertThat(output.at("/json/count").asInt()).isEqualTo(1);
    }

    @Test
    void an_answer_violating_the_schema_is_repaired_once_with_the_validation_errors_quoted() throws Exception {
        gateway.answers("{\"summary\": \"short\", \"count\": \"three\"}", "{\"summary\": \"short\", \"count\": 3}");

        JsonNode output = run("{'prompt': 'Summarise', " + SCHEMA + "}");

        List<ChatRequest> requests = gateway.chatRequests();
        assertThat(requests).hasSize(2);
        ChatRequest repair = requests.get(1);
        assertThat(repair.messages()).hasSize(3);
        assertThat(repair.messages().get(1).role()).isEqualTo(Role.ASSISTANT);
        assertThat(repair.messages().get(1).content()).contains("\"three\"");
        assertThat(repair.messages().get(2).role()).isEqualTo(Role.USER);
        assertThat(repair.messages().get(2).content()).contains("count").contains("integer");
        assertThat(repair.responseFormat()).isEqualTo(requests.get(0).responseFormat());
        assertThat(output.at("/json/count").asInt()).isEqualTo(3);
        assertThat(output.get("calls").asInt()).isEqualTo(2);
        assertThat(output.at("/usage/inputTokens").asLong()).isEqualTo(20);
        assertThat(output.at("/usage/outputTokens").asLong()).isEqualTo(10);
        assertThat(output.get("costUsd").asDouble()).isCloseTo(0.002, within(1e-12));
    }

    @Test
    void invalid_json_is_repaired_too() throws Exception {
        gateway.answers("Sure! Here it is: {summary: short", "{\"summary\": \"short\", \"count\": 0}");

        JsonNode output = run("{'prompt': 'Summarise', " + SCHEMA + "}");

        assertThat(gateway.chatRequests().get(1).messages().getLast().content()).contains("not valid JSON");
        assertThat(output.at("/json/summary").asText()).isEqualTo("short");
    }

    @Test
    void an_answer_still_invalid_after_the_repairs_is_a_non_retriable_step_failure_listing_the_errors() {
        gateway.answers("{\"summary\": 1}", "{\"summary\": 2}", "{\"summary\": 3}");

        assertThatThrownBy(() -> run("{'prompt': 'Summarise', 'repairAttempts': 2, " + SCHEMA + "}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STEP_FAILED);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("after 2 repair turns").contains("count").contains("summary");
                    assertThat(e.errors()).isNotEmpty();
                });
        assertThat(gateway.chatRequests()).hasSize(3);
    }

    @Test
    void an_answer_cut_at_the_token_limit_says_so_in_the_errors() {
        gateway.otherwise(request -> new ScriptedGateway.Answer("{\"summary\": \"long", FinishReason.LENGTH));

        assertThatThrownBy(() -> run("{'prompt': 'Summarise', 'maxTokens': 5, 'repairAttempts': 0, " + SCHEMA + "}"))
                .hasMessageContaining("cut off at the token limit").hasMessageContaining("not valid JSON");
    }

    @Test
    void with_no_repair_attempts_the_first_invalid_answer_fails_the_step() {
        gateway.answers("not json");

        assertThatThrownBy(() -> run("{'prompt': 'Summarise', 'repairAttempts': 0, " + SCHEMA + "}"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STEP_FAILED));
        assertThat(gateway.chatRequests()).hasSize(1);
    }

    @Test
    void gateway_errors_propagate_with_their_retriability_so_the_retry_policy_applies() {
        gateway.fails(BatonException.rateLimited("slow down", Duration.ofSeconds(2)));
        gateway.fails(new BatonException(ErrorCode.UPSTREAM_REJECTED, "content policy"));

        assertThatThrownBy(() -> run("{'prompt': 'x'}")).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        });
        assertThatThrownBy(() -> run("{'prompt': 'x'}")).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
            assertThat(e.retriable()).isFalse();
        });
    }

    @Test
    void a_cancelled_call_of_an_interrupted_attempt_is_an_interruption() {
        gateway.otherwise(request -> {
            Thread.currentThread().interrupt();
            return new ScriptedGateway.Failure(new BatonException(ErrorCode.CANCELLED, "interrupted"));
        });

        assertThatThrownBy(() -> run("{'prompt': 'x'}")).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void an_unknown_or_embedding_model_is_an_invalid_argument_naming_the_chat_models() {
        assertThatThrownBy(() -> run("{'model': 'gpt-9', 'prompt': 'x'}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("gpt-9").contains("default, fast");
                    assertThat(e.errors().getFirst().field()).isEqualTo("model");
                });
        assertThatThrownBy(() -> run("{'model': 'embedder', 'prompt': 'x'}"))
                .hasMessageContaining("is an embedding model");
        assertThat(gateway.calls).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                         | prompt
            {'prompt': 'a', 'messages': [{'role': 'user', 'content': 'b'}]} | prompt
            {'prompt': ''}                                             | prompt
            {'prompt': 3}                                              | prompt
            {'messages': []}                                           | messages
            {'messages': 'hi'}                                         | messages
            {'messages': [{'role': 'robot', 'content': 'b'}]}          | messages[0].role
            {'messages': [{'content': 'b'}]}                           | messages[0].role
            {'messages': [{'role': 'user'}]}                           | messages[0].content
            {'messages': [{'role': 'user', 'content': 'b', 'x': 1}]}   | messages[0].x
            {'messages': [{'role': 'user', 'content': 'b'}], 'system': 's'} | system
            {'prompt': 'a', 'temperature': 3}                          | temperature
            {'prompt': 'a', 'temperature': 'hot'}                      | temperature
            {'prompt': 'a', 'topP': 0}                                 | topP
            {'prompt': 'a', 'maxTokens': 0}                            | maxTokens
            {'prompt': 'a', 'maxTokens': 1.5}                          | maxTokens
            {'prompt': 'a', 'stop': ['a', 'b', 'c', 'd', 'e']}         | stop
            {'prompt': 'a', 'stop': ['']}                              | stop[0]
            {'prompt': 'a', 'seed': 'x'}                               | seed
            {'prompt': 'a', 'schema': 'json'}                          | schema
            {'prompt': 'a', 'schema': {'type': 'banana'}}              | schema
            {'prompt': 'a', 'repairAttempts': 1}                       | repairAttempts
            {'prompt': 'a', 'schema': {'type': 'object'}, 'repairAttempts': 4} | repairAttempts
            {'prompt': 'a', 'model': ''}                               | model
            {'prompt': 'a', 'cache': 'no'}                             | cache
            """)
    void bad_arguments_are_invalid_arguments_naming_the_field(String arguments, String field) {
        assertThatThrownBy(() -> run(arguments)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.errors()).extracting(error -> error.field()).containsExactly(field);
        });
        assertThat(gateway.calls).isEmpty();
    }

    @Test
    void the_signature_lists_every_argument_as_optional() {
        assertThat(step.type()).isEqualTo("llm.chat");
        assertThat(step.signature().required()).isEmpty();
        assertThat(step.signature().optional()).contains("model", "messages", "prompt", "system", "schema",
                "repairAttempts", "temperature", "topP", "maxTokens", "stop", "seed", "cache");
    }
}
