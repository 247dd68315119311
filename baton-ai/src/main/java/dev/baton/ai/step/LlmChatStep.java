package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.Role;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code llm.chat}: one chat completion through the {@link Gateway}, optionally as structured output.
 *
 * <p>Arguments: {@code model} (a chat alias, default {@code default}); exactly one of {@code messages} (a list of
 * {@code {role: system|user|assistant, content}}) or {@code prompt} (a string, with an optional {@code system}
 * string); sampling {@code temperature} [0, 2], {@code topP} (0, 1], {@code maxTokens} ≥ 1, {@code stop} (a string
 * or up to 4), {@code seed}; {@code schema} (a JSON Schema: sent as the {@code json_schema} response format, and
 * the answer is parsed and validated) with {@code repairAttempts} 0..3 (default 1, see {@link ChatTurns}).
 *
 * <p>Output: {@code {text, json (with a schema), finishReason, usage: {inputTokens, outputTokens, estimated},
 * model (the alias that answered), deployment, costUsd, cached, calls}}, usage and cost summed over repair turns.
 *
 * <p>Durability: the output is journaled when the attempt finishes, so a resumed or continued run never calls the
 * model again for a finished step; an attempt interrupted by a crash is re-run (a new call) because its answer
 * was never recorded. Calls carry the run, workflow and step ids for accounting and per-run budgets.
 * Thread-safe.
 */
public final class LlmChatStep implements StepHandler {
    /** The model alias used when a step names none. */
    public static final String DEFAULT_MODEL = "default";
    private static final StepSignature SIGNATURE = new StepSignature(Set.of(), Set.of("model", "messages", "prompt",
            "system", "temperature", "topP", "maxTokens", "stop", "seed", "schema", "repairAttempts"));
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");

    private final ChatTurns turns;

    /** @param gateway the gateway every call goes through */
    public LlmChatStep(Gateway gateway) {
        this.turns = new ChatTurns(gateway);
    }

    @Override
    public String type() {
        return "llm.chat";
    }

    @Override
    public StepSignature signature() {
        return SIGNATURE;
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        Arguments.requireObject(arguments);
        String model = Arguments.model(arguments);
        model = model == null ? DEFAULT_MODEL : model;
        List<ChatMessage> messages = messages(arguments);
        JsonNode schema = Arguments.optional(arguments, "schema");
        if (schema != null) {
            turns.requireUsableSchema(schema);
        }
        JsonNode repairNode = Arguments.optional(arguments, "repairAttempts");
        if (repairNode != null && schema == null) {
            throw Arguments.invalid("repairAttempts", "applies only with 'schema'");
        }
        int repairs = repairNode == null ? ChatTurns.DEFAULT_REPAIRS
                : Arguments.integer(repairNode, "repairAttempts", 0, ChatTurns.MAX_REPAIRS);
        ChatRequest request = new ChatRequest(model, messages, List.of(), null,
                schema == null ? null : ChatTurns.format(context, schema, false),
                Sampling.decimal(arguments, "temperature", 0, 2, true),
                Sampling.decimal(arguments, "topP", 0, 1, false),
                Sampling.maxTokens(arguments),
                Sampling.stop(arguments),
                Sampling.seed(arguments),
                null);
        turns.requireChatModel(model);

        ChatTurns.Answer answer = turns.ask(context, request, schema, repairs);
        ObjectNode output = Json.NODES.objectNode();
        output.put("text", answer.text());
        if (answer.json() != null) {
            output.set("json", answer.json());
        }
        return answer.describeInto(output, model);
    }

    private static List<ChatMessage> messages(JsonNode arguments) {
        JsonNode messages = Arguments.optional(arguments, "messages");
        JsonNode prompt = Arguments.optional(arguments, "prompt");
        JsonNode system = Arguments.optional(arguments, "system");
        if ((messages == null) == (prompt == null)) {
            throw Arguments.invalid("prompt", (prompt == null ? "neither 'prompt' nor 'messages' given"
                    : "both 'prompt' and 'messages' given") + "; give exactly one: 'prompt' (a string, with an "
                    + "optional 'system') or 'messages' (a list of {role, content})");
        }
        if (prompt != null) {
            List<ChatMessage> list = new ArrayList<>(2);
            if (system != null) {
                list.add(ChatMessage.system(Arguments.text(system, "system")));
            }
            list.add(ChatMessage.user(Arguments.text(prompt, "prompt")));
            return list;
        }
        if (system != null) {
            throw Arguments.invalid("system", "applies only with 'prompt'; with 'messages', add a message with "
                    + "role 'system'");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw Arguments.invalid("messages", "must be a non-empty list of {role, content}, got "
                    + (messages.isArray() ? "an empty list" : Arguments.kind(messages)));
        }
        List<ChatMessage> list = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            list.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return list;
    }

    private static ChatMessage message(JsonNode node, String field) {
        if (!node.isObject()) {
            throw Arguments.invalid(field, "must be an object {role, content}, got " + Arguments.kind(node));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!MESSAGE_FIELDS.contains(key)) {
                throw Arguments.invalid(field + "." + key, "unknown field; a message has role and content");
            }
        }
        JsonNode roleNode = Arguments.optional(node, "role");
        JsonNode contentNode = Arguments.optional(node, "content");
        if (roleNode == null) {
            throw Arguments.invalid(field + ".role", "is required (system, user or assistant)");
        }
        if (contentNode == null) {
            throw Arguments.invalid(field + ".content", "is required");
        }
        String content = Arguments.text(contentNode, field + ".content");
        Role role = switch (roleNode.isTextual() ? roleNode.textValue() : "") {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            default -> throw Arguments.invalid(field + ".role", "must be system, user or assistant, got "
                    + (roleNode.isTextual() ? "'" + roleNode.textValue() + "'" : Arguments.kind(roleNode)));
        };
        return new ChatMessage(role, content, null, List.of(), null);
    }
}
