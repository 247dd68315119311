package dev.baton.gateway.api;

import java.util.List;

/**
 * Token counts estimated from text length, for when no tokenizer is at hand: about four characters per token,
 * the rule of thumb OpenAI documents for English text ("What are tokens and how to count them?", OpenAI help
 * center). It can be low for other scripts (a CJK character is often a token of its own). Usage built from these
 * figures is always marked {@link Usage#estimated()}.
 *
 * <p>The one estimate used by the providers (usage an upstream did not report), the router (tokens-per-minute
 * buckets) and budgets (worst-case reservations).
 */
public final class TokenEstimate {
    private TokenEstimate() {
    }

    /** Tokens for {@code chars} characters: {@code ceil(chars / 4)}. */
    public static long tokens(long chars) {
        return (chars + 3) / 4;
    }

    /**
     * Characters of everything a chat request sends as its prompt: each message's content, name and tool calls,
     * the tool definitions (name, description, parameter schema) and a structured-output schema.
     */
    public static long promptChars(ChatRequest request) {
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
        return chars;
    }

    /** Characters of embedding inputs. */
    public static long inputChars(List<String> input) {
        long chars = 0;
        for (String text : input) {
            chars += text.length();
        }
        return chars;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
