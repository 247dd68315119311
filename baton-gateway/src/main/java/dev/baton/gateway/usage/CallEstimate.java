package dev.baton.gateway.usage;

import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolDefinition;
import dev.baton.gateway.config.Pricing;

/**
 * The most tokens a call is expected to use, reserved against budgets before it is admitted.
 *
 * <p>Input tokens are estimated as characters / 4, rounded up (OpenAI's documented rule of thumb for English
 * text, the same the gateway uses when a provider reports no usage), over every message's content, name and tool
 * calls, the tool definitions and the structured-output schema, plus {@value #TOKENS_PER_MESSAGE} tokens per
 * message for the chat format's framing. Output tokens are the request's {@code max_tokens}, or the caller's
 * default when the request sets none (the provider may then write more: the reservation is a worst case only
 * when {@code max_tokens} is set). Embeddings have no output tokens.
 *
 * <p>The estimate can be low for text that is not English (a CJK character is often a token of its own); the
 * reservation is replaced by the provider's reported usage when the call ends, so an underestimate lets one
 * call overshoot a budget by the difference, never more.
 *
 * @param inputTokens  estimated input tokens, ≥ 0
 * @param outputTokens output tokens reserved, ≥ 0
 */
public record CallEstimate(long inputTokens, long outputTokens) {
    /** Framing tokens counted per chat message (OpenAI's cookbook counts 3 to 4). */
    public static final int TOKENS_PER_MESSAGE = 4;
    /** Output tokens reserved for a chat request without {@code max_tokens}, unless configured otherwise. */
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 1024;

    public CallEstimate {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("estimated tokens must be ≥ 0");
        }
    }

    /** The estimate of a chat request; {@code defaultMaxOutput} is reserved when it sets no {@code max_tokens}. */
    public static CallEstimate of(ChatRequest request, long defaultMaxOutput) {
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
        if (request.responseFormat() instanceof ResponseFormat.JsonSchema schema) {
            chars += schema.schema().toString().length();
        }
        long input = tokens(chars) + (long) TOKENS_PER_MESSAGE * request.messages().size();
        long output = request.maxTokens() != null ? request.maxTokens() : defaultMaxOutput;
        return new CallEstimate(input, output);
    }

    /** The estimate of an embeddings request. */
    public static CallEstimate of(EmbeddingRequest request) {
        long chars = 0;
        for (String text : request.input()) {
            chars += text.length();
        }
        return new CallEstimate(tokens(chars), 0);
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The cost of these tokens at {@code prices}, USD. */
    public double costAt(Pricing prices) {
        return (inputTokens * prices.inputPerMillion() + outputTokens * prices.outputPerMillion()) / 1_000_000.0;
    }

    private static long tokens(long chars) {
        return (chars + 3) / 4;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
