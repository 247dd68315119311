package dev.baton.gateway.api;

import java.util.List;
import java.util.Objects;

/**
 * A chat completion request, provider-neutral.
 *
 * @param model          the model alias ({@code default}, {@code gpt-4o}...), resolved by the gateway to a
 *                       deployment; providers receive the deployment's upstream model name instead
 * @param messages       the conversation, at least one message
 * @param tools          functions the model may call; empty for none
 * @param toolChoice     how tools are chosen, or {@code null} for the provider's default
 * @param responseFormat the answer's shape, or {@code null} for text
 * @param temperature    sampling temperature in [0, 2], or {@code null}
 * @param topP           nucleus sampling mass in (0, 1], or {@code null}
 * @param maxTokens      upper bound on output tokens (≥ 1), or {@code null} for the deployment's default
 * @param stop           up to 4 stop sequences; empty for none
 * @param seed           sampling seed, or {@code null}
 * @param user           the end user's id passed through to the provider, or {@code null}
 */
public record ChatRequest(String model, List<ChatMessage> messages, List<ToolDefinition> tools, ToolChoice toolChoice,
                          ResponseFormat responseFormat, Double temperature, Double topP, Integer maxTokens,
                          List<String> stop, Long seed, String user) {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2]: " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be ≥ 1: " + maxTokens);
        }
        if (stop.size() > 4) {
            throw new IllegalArgumentException("at most 4 stop sequences, got " + stop.size());
        }
    }

    /** A request with only a model and messages. */
    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, List.of(), null, null, null, null, null, List.of(), null, null);
    }

    /** This request addressed to {@code newModel} (the gateway uses it to put the upstream model name in). */
    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, tools, toolChoice, responseFormat, temperature, topP, maxTokens,
                stop, seed, user);
    }

    /** This request with more messages appended (e.g. a repair prompt after invalid structured output). */
    public ChatRequest withMessages(List<ChatMessage> newMessages) {
        return new ChatRequest(model, newMessages, tools, toolChoice, responseFormat, temperature, topP, maxTokens,
                stop, seed, user);
    }
}
