package dev.baton.ai.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepContext;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The conversation of one {@code llm.*} step attempt with the gateway: asks, and when the answer must match a JSON
 * Schema, parses and validates it and asks again with the validation errors (the repair turn) up to a given
 * number of times.
 *
 * <p>Repair turn: the invalid answer is appended as the assistant's message, followed by a user message quoting
 * the parse or validation errors and asking for a corrected answer with only the JSON value; the response format
 * (JSON schema) stays the same. An answer still invalid after the last repair is a non-retriable
 * {@code STEP_FAILED} listing the errors (re-running the same prompt is unlikely to help; the step's retry policy
 * does not apply).
 *
 * <p>Gateway errors propagate unchanged, so the step's retry policy applies to the retriable ones
 * ({@code RATE_LIMITED}, {@code UPSTREAM_UNAVAILABLE}, {@code TIMEOUT}); a {@code CANCELLED} caused by the
 * attempt's interruption becomes {@link InterruptedException}. Thread-safe (stateless per call).
 */
final class ChatTurns {
    /** Most repair turns a step may ask for. */
    static final int MAX_REPAIRS = 3;
    /** Repair turns when the step does not say. */
    static final int DEFAULT_REPAIRS = 1;
    private static final int MAX_QUOTED_ERRORS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Gateway gateway;
    private final AnswerSchemas schemas = new AnswerSchemas();

    ChatTurns(Gateway gateway) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * The final answer of a conversation.
     *
     * @param response the last response
     * @param json     the parsed, valid answer when a schema was given, else {@code null}
     * @param calls    gateway calls made (1 + repairs)
     * @param usage    tokens of all calls
     * @param costUsd  cost of all calls
     */
    record Answer(ChatResponse response, JsonNode json, int calls, Usage usage, double costUsd) {

        /** The answer's text ({@code ""} when the model sent none). */
        String text() {
            String content = response.message().content();
            return content == null ? "" : content;
        }

        /** Adds {@code finishReason, usage, model, deployment, costUsd, cached, calls} to {@code output}. */
        ObjectNode describeInto(ObjectNode output, String requestedModel) {
            Served served = response.served();
            output.put("finishReason", response.finishReason().name().toLowerCase(Locale.ROOT));
            output.putObject("usage")
                    .put("inputTokens", usage.inputTokens())
                    .put("outputTokens", usage.outputTokens())
                    .put("estimated", usage.estimated());
            output.put("model", served == null ? requestedModel : served.alias());
            if (served == null) {
                output.putNull("deployment");
            } else {
                output.put("deployment", served.deployment());
            }
            output.put("costUsd", costUsd);
            output.put("cached", served != null && served.cacheHit());
            output.put("calls", calls);
            return output;
        }
    }

    /**
     * Checks that {@code alias} is a chat model of the gateway.
     *
     * @throws BatonException {@code INVALID_ARGUMENT} (field {@code model}) naming the chat models
     */
    void requireChatModel(String alias) {
        List<ModelInfo> models = gateway.models();
        List<String> chat = new ArrayList<>();
        for (ModelInfo info : models) {
            if (info.alias().equals(alias)) {
                if (info.kind() == ModelKind.CHAT) {
                    return;
                }
                throw Arguments.invalid("model", "'" + alias + "' is an embedding model; llm steps need a chat model");
            }
            if (info.kind() == ModelKind.CHAT) {
                chat.add(info.alias());
            }
        }
        throw Arguments.invalid("model", "unknown chat model '" + alias + "'; the gateway serves: "
                + (chat.isEmpty() ? "no chat models (configure gateway.models)" : String.join(", ", chat)));
    }

    /**
     * Checks a {@code schema} argument.
     *
     * @throws BatonException {@code INVALID_ARGUMENT} (field {@code schema}) listing the problems
     */
    void requireUsableSchema(JsonNode schema) {
        List<String> problems = schemas.problems(schema);
        if (!problems.isEmpty()) {
            throw Arguments.invalid("schema", "is not a valid JSON Schema: " + String.join("; ", problems));
        }
    }

    /**
     * Asks {@code request}; with a {@code schema}, validates the answer and repairs it up to {@code repairs} times.
     *
     * @param schema  the JSON Schema the answer must match (already {@linkplain #requireUsableSchema checked}),
     *                or {@code null} for free text
     * @param repairs repair turns allowed, 0..{@value #MAX_REPAIRS}
     * @param useCache whether the gateway's response cache may answer (and store) these calls
     */
    Answer ask(StepContext context, ChatRequest request, JsonNode schema, int repairs, boolean useCache)
            throws InterruptedException {
        CallContext call = useCache ? Calls.of(context) : Calls.of(context).withoutCache();
        ChatRequest current = request;
        List<ChatResponse> responses = new ArrayList<>();
        while (true) {
            ChatResponse response = chat(current, call);
            responses.add(response);
            if (schema == null) {
                return answer(response, null, responses);
            }
            String text = response.message().content() == null ? "" : response.message().content();
            List<String> errors = new ArrayList<>();
            JsonNode parsed = parse(text, errors);
            if (parsed != null) {
                errors.addAll(schemas.violations(schema, parsed));
            }
            if (errors.isEmpty()) {
                return answer(response, parsed, responses);
            }
            if (response.finishReason() == FinishReason.LENGTH) {
                errors.addFirst("$: the answer was cut off at the token limit (finish reason 'length'); raise "
                        + "maxTokens or ask for less");
            }
            if (responses.size() > repairs) {
                String message = "the answer of model '" + request.model() + "' does not match the schema after "
                        + repairs + " repair turn" + (repairs == 1 ? "" : "s") + ": " + quote(errors);
                List<FieldError> fieldErrors = errors.stream().limit(MAX_QUOTED_ERRORS)
                        .map(error -> new FieldError("answer", error)).toList();
                throw new BatonException(ErrorCode.STEP_FAILED, message, false, fieldErrors, null);
            }
            List<ChatMessage> messages = new ArrayList<>(current.messages());
            messages.add(ChatMessage.assistant(text.isEmpty() ? "(empty answer)" : text));
            messages.add(ChatMessage.user(repairPrompt(errors)));
            current = current.withMessages(messages);
        }
    }

    /** {@code ResponseFormat} for answers that must match {@code schema}; the name is made from the step id. */
    static ResponseFormat.JsonSchema format(StepContext context, JsonNode schema, boolean strict) {
        String name = context.stepId().replaceAll("[^a-zA-Z0-9_-]", "_");
        if (name.isEmpty()) {
            name = "answer";
        }
        return new ResponseFormat.JsonSchema(name.length() > 64 ? name.substring(0, 64) : name, schema, strict);
    }

    private ChatResponse chat(ChatRequest request, CallContext call) throws InterruptedException {
        try {
            return gateway.chat(request, call);
        } catch (BatonException e) {
            if (e.code() == ErrorCode.CANCELLED && Thread.interrupted()) {
                throw new InterruptedException("llm call cancelled: " + e.getMessage());
            }
            throw e;
        }
    }

    private static Answer answer(ChatResponse last, JsonNode json, List<ChatResponse> responses) {
        long input = 0;
        long output = 0;
        boolean estimated = false;
        double cost = 0;
        for (ChatResponse response : responses) {
            input += response.usage().inputTokens();
            output += response.usage().outputTokens();
            estimated |= response.usage().estimated();
            cost += response.served() == null ? 0 : response.served().costUsd();
        }
        return new Answer(last, json, responses.size(), new Usage(input, output, estimated), cost);
    }

    /**
     * The JSON value of an answer, or {@code null} with the reason added to {@code errors}. A Markdown code fence
     * around the value (```json ... ```), which some models add despite the response format, is removed first.
     */
    static JsonNode parse(String text, List<String> errors) {
        String body = text.strip();
        if (body.startsWith("```")) {
            int firstLine = body.indexOf('\n');
            int closing = body.lastIndexOf("```");
            if (firstLine > 0 && closing > firstLine) {
                body = body.substring(firstLine + 1, closing).strip();
            }
        }
        if (body.isEmpty()) {
            errors.add("$: the answer is empty, expected a JSON value");
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                errors.add("$: the answer is not JSON");
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            errors.add("$: the answer is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static String repairPrompt(List<String> errors) {
        return "Your previous answer is not valid: " + quote(errors) + ". Answer again with only the corrected JSON "
                + "value that matches the required JSON Schema, without any other text.";
    }

    private static String quote(List<String> errors) {
        List<String> shown = errors.size() > MAX_QUOTED_ERRORS ? errors.subList(0, MAX_QUOTED_ERRORS) : errors;
        String joined = String.join("; ", shown);
        return errors.size() > shown.size() ? joined + "; and " + (errors.size() - shown.size()) + " more" : joined;
    }
}
