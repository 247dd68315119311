package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code llm.classify}: an LLM picks one label for a text, through structured output.
 *
 * <p>Arguments: {@code text}; {@code labels} (as for {@code classify}: names, or {@code {name, description?,
 * examples?}} objects; descriptions and examples go into the prompt); {@code model} (a chat alias, default
 * {@code default}); optional {@code instructions} (added to the system prompt) and {@code repairAttempts} 0..3
 * (default 1).
 *
 * <p>The model answers a JSON object {@code {label, reason}} under a strict JSON Schema whose {@code label} is an
 * enum of the label names; the answer is validated and repaired as in {@link ChatTurns}. Temperature 0, so the
 * choice is as repeatable as the provider makes it.
 *
 * <p>Output: {@code {label, reason, finishReason, usage, model, deployment, costUsd, cached, calls}}.
 * Thread-safe.
 */
public final class LlmClassifyStep implements StepHandler {
    private static final StepSignature SIGNATURE = new StepSignature(Set.of("text", "labels"),
            Set.of("model", "instructions", "repairAttempts"));

    private final ChatTurns turns;

    /** @param gateway the gateway every call goes through */
    public LlmClassifyStep(Gateway gateway) {
        this.turns = new ChatTurns(gateway);
    }

    @Override
    public String type() {
        return "llm.classify";
    }

    @Override
    public StepSignature signature() {
        return SIGNATURE;
    }

    /** At validation time: constant {@code text}, {@code labels}, {@code model} (a chat alias) and the rest. */
    @Override
    public List<FieldError> checkArguments(Set<String> names, Map<String, JsonNode> constants) {
        ArgumentChecks checks = new ArgumentChecks(constants);
        return checks
                .ifConstant("text", () -> Arguments.text(checks.constant("text"), "text"))
                .ifConstant("labels", () -> Label.parseAll(checks.constant("labels")))
                .ifConstant("model", () -> turns.requireChatModel(Arguments.text(checks.constant("model"), "model")))
                .ifConstant("instructions", () -> Arguments.text(checks.constant("instructions"), "instructions"))
                .ifConstant("repairAttempts", () -> Arguments.integer(checks.constant("repairAttempts"),
                        "repairAttempts", 0, ChatTurns.MAX_REPAIRS))
                .problems();
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        Arguments.requireObject(arguments);
        String text = Arguments.text(Arguments.required(arguments, "text"), "text");
        List<Label> labels = Label.parseAll(Arguments.optional(arguments, "labels"));
        String model = Arguments.model(arguments);
        model = model == null ? LlmChatStep.DEFAULT_MODEL : model;
        JsonNode instructionsNode = Arguments.optional(arguments, "instructions");
        String instructions = instructionsNode == null ? null : Arguments.text(instructionsNode, "instructions");
        JsonNode repairNode = Arguments.optional(arguments, "repairAttempts");
        int repairs = repairNode == null ? ChatTurns.DEFAULT_REPAIRS
                : Arguments.integer(repairNode, "repairAttempts", 0, ChatTurns.MAX_REPAIRS);
        turns.requireChatModel(model);

        JsonNode schema = schema(labels);
        ChatRequest request = new ChatRequest(model,
                List.of(ChatMessage.system(systemPrompt(labels, instructions)), ChatMessage.user(text)),
                List.of(), null, ChatTurns.format(context, schema, true), 0.0, null, null, List.of(), null, null);
        ChatTurns.Answer answer = turns.ask(context, request, schema, repairs, true);

        ObjectNode output = Json.NODES.objectNode();
        output.put("label", answer.json().path("label").asText());
        output.put("reason", answer.json().path("reason").asText());
        return answer.describeInto(output, model);
    }

    /** {@code {label: enum of names, reason: string}}, both required, nothing else. */
    static JsonNode schema(List<Label> labels) {
        ObjectNode schema = Json.NODES.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ObjectNode label = properties.putObject("label");
        label.put("type", "string");
        label.put("description", "the chosen label");
        ArrayNode names = label.putArray("enum");
        labels.forEach(l -> names.add(l.name()));
        properties.putObject("reason").put("type", "string")
                .put("description", "one short sentence saying why");
        schema.putArray("required").add("label").add("reason");
        schema.put("additionalProperties", false);
        return schema;
    }

    private static String systemPrompt(List<Label> labels, String instructions) {
        StringBuilder prompt = new StringBuilder("""
                You are a text classifier. Read the user's text and choose exactly one of these labels:
                """);
        for (Label label : labels) {
            prompt.append("- ").append(label.name());
            if (!label.description().equals(label.name())) {
                prompt.append(": ").append(label.description());
            }
            prompt.append('\n');
            for (String example : label.examples()) {
                prompt.append("  example: ").append(example).append('\n');
            }
        }
        if (instructions != null) {
            prompt.append('\n').append(instructions).append('\n');
        }
        prompt.append("""

                Answer with a JSON object {"label": <one of the label names, exactly as written>, \
                "reason": <one short sentence>} and nothing else.""");
        return prompt.toString();
    }
}
