package dev.baton.gateway.routing;

import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolDefinition;

/**
 * Tokens a call is expected to use, taken from tokens-per-minute buckets before the call and reconciled with
 * the provider's reported usage after it.
 *
 * <p>Method: input tokens ≈ characters / 4 (OpenAI's documented rule of thumb for English text, rounded up) over
 * message contents, tool call arguments, names and tool definitions (name, description, parameter schema);
 * output tokens = the request's {@code maxTokens}, or {@link #DEFAULT_OUTPUT_TOKENS} when it sets none.
 * Embeddings have no output. The estimate errs towards the request's upper bound, so concurrent calls cannot
 * overshoot a limit by much before their real usage is known.
 *
 * @param tokens estimated input + output tokens (≥ 1)
 */
record TokenEstimate(long tokens) {

    /** Output tokens assumed for a chat request without {@code maxTokens}. */
    static final long DEFAULT_OUTPUT_TOKENS = 256;

    static TokenEstimate of(ChatRequest request) {
        long chars = 0;
        for (ChatMessage message : request.messages()) {
            chars += length(message.content()) + length(message.name());
            for (ToolCall call : message.toolCalls()) {
                chars += call.name().length() + call.arguments().length();
            }
        }
        for (ToolDefinition tool : request.tools()) {
            chars += tool.name().length() + length(tool.description())
                    + (tool.parameters() == null ? 0 : tool.parameters().toString().length());
        }
        long output = request.maxTokens() == null ? DEFAULT_OUTPUT_TOKENS : request.maxTokens();
        return new TokenEstimate(inputTokens(chars) + output);
    }

    static TokenEstimate of(EmbeddingRequest request) {
        long chars = 0;
        for (String text : request.input()) {
            chars += text.length();
        }
        return new TokenEstimate(Math.max(1, inputTokens(chars)));
    }

    private static long inputTokens(long chars) {
        return (chars + 3) / 4;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
