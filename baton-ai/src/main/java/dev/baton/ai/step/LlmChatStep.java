package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.Role;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code llm.chat}: one chat completion through the {@link Gateway}, optionally as structured output.
 *
 * <p>Arguments: {@code model} (a chat alias, default {@code default}); exactly one of {@code messages} (a list of
 * {@code {role: system|user|assistant, content}}) or {@code prompt} (a string, with an optional {@code system}
 * string); sampling {@code temperature} [0, 2], {@code topP} (0, 1], {@code maxTokens} ≥ 1, {@code stop} (a string
 * or up to 4), {@code seed}; {@code schema} (a JSON Schema: sent as the {@code json_schema} response format, and
 * the answer is parsed and validated) with {@code repairAttempts} 0..3 (default 1, see {@link ChatTurns});
 * {@code cache} (default {@code true}): {@code false} bypasses the gateway's exact-match response cache, for
 * prompts that must be sampled afresh each time (e.g. a {@code map} generating variations of one prompt).
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
            "system", "temperature", "topP", "maxTokens", "stop", "seed", "schema", "repairAttempts", "cache"));
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

    /**
     * At validation time: the combination of argument names, and every constant argument (model among the
     * gateway's chat aliases, the schema against the JSON Schema meta-schema, ranges).
     */
    @Override
    public List<FieldError> checkArguments(Set<String> names, Map<String, JsonNode> constants) {
        ArgumentChecks checks = new ArgumentChecks(constants);
        checks.run(() -> checkCombination(names));
        return checks
                .ifConstant("model", () -> turns.requireChatModel(Arguments.text(checks.constant("model"), "model")))
                .ifConstant("prompt", () -> Arguments.text(checks.constant("prompt"), "prompt"))
                .ifConstant("system", () -> Arguments.text(checks.constant("system"), "system"))
                .ifConstant("messages", () -> messageList(checks.constant("messages")))
                .ifConstant("schema", () -> turns.requireUsableSchema(checks.constant("schema")))
                .ifConstant("repairAttempts", () -> repairs(checks.arguments()))
                .ifConstant("cache", () -> useCache(checks.arguments()))
                .run(() -> Sampling.read(checks.arguments()))
                .problems();
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        Arguments.requireObject(arguments);
        Set<String> given = new HashSet<>();
        arguments.fieldNames().forEachRemaining(name -> {
            if (Arguments.optional(arguments, name) != null) {
                given.add(name);
            }
        });
        checkCombination(given);
        String model = Arguments.model(arguments);
        model = model == null ? DEFAULT_MODEL : model;
        JsonNode prompt = Arguments.optional(arguments, "prompt");
        List<ChatMessage> messages;
        if (prompt != null) {
            messages = new ArrayList<>(2);
            JsonNode system = Arguments.optional(arguments, "system");
            if (system != null) {
                messages.add(ChatMessage.system(Arguments.text(system, "system")));
            }
            messages.add(ChatMessage.user(Arguments.text(prompt, "prompt")));
        } else {
            messages = messageList(Arguments.optional(arguments, "messages"));
        }
        JsonNode schema = Arguments.optional(arguments, "schema");
        if (schema != null) {
            turns.requireUsableSchema(schema);
        }
        int repairs = repairs(arguments);
        boolean useCache = useCache(arguments);
        Sampling sampling = Sampling.read(arguments);
        ChatRequest request = new ChatRequest(model, messages, List.of(), null,
                schema == null ? null : ChatTurns.format(context, schema, false),
                sampling.temperature(), sampling.topP(), sampling.maxTokens(), sampling.stop(), sampling.seed(), null);
        turns.requireChatModel(model);

        ChatTurns.Answer answer = turns.ask(context, request, schema, repairs, useCache);
        ObjectNode output = Json.NODES.objectNode();
        output.put("text", answer.text());
        if (answer.json() != null) {
            output.set("json", answer.json());
        }
        return answer.describeInto(output, model);
    }

    /** Exactly one of prompt/messages; system only with prompt; repairAttempts only with schema. */
    private static void checkCombination(Set<String> given) {
        boolean prompt = given.contains("prompt");
        if (prompt == given.contains("messages")) {
            throw Arguments.invalid("prompt", (prompt ? "both 'prompt' and 'messages' given"
                    : "neither 'prompt' nor 'messages' given") + "; give exactly one: 'prompt' (a string, with an "
                    + "optional 'system') or 'messages' (a list of {role, content})");
        }
        if (given.contains("system") && !prompt) {
            throw Arguments.invalid("system", "applies only with 'prompt'; with 'messages', add a message with "
                    + "role 'system'");
        }
        if (given.contains("repairAttempts") && !given.contains("schema")) {
            throw Arguments.invalid("repairAttempts", "applies only with 'schema'");
        }
    }

    private static int repairs(JsonNode arguments) {
        JsonNode node = Arguments.optional(arguments, "repairAttempts");
        return node == null ? ChatTurns.DEFAULT_REPAIRS
                : Arguments.integer(node, "repairAttempts", 0, ChatTurns.MAX_REPAIRS);
    }

    private static boolean useCache(JsonNode arguments) {
        JsonNode node = Arguments.optional(arguments, "cache");
        if (node != null && !node.isBoolean()) {
            throw Arguments.invalid("cache", "must be true or false, got " + Arguments.kind(node));
        }
        return node == null || node.booleanValue();
    }

    private static List<ChatMessage> messageList(JsonNode messages) {
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
