package dev.baton.gateway.provider.http;

import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ToolCall;

import java.util.List;

/**
 * Token counts for when an upstream reports none: about four characters per token, the rule of thumb OpenAI
 * documents for English text ("What are tokens and how to count them?", OpenAI help center). Results built from
 * these are always marked {@code estimated}.
 */
public final class TokenEstimate {
    private TokenEstimate() {
    }

    /** Tokens for {@code chars} characters: {@code ceil(chars / 4)}. */
    public static long tokens(long chars) {
        return (chars + 3) / 4;
    }

    /** Characters of a chat request's prompt: every message's text and tool call arguments. */
    public static long promptChars(ChatRequest request) {
        long chars = 0;
        for (ChatMessage message : request.messages()) {
            chars += message.content() == null ? 0 : message.content().length();
            for (ToolCall call : message.toolCalls()) {
                chars += call.name().length() + call.arguments().length();
            }
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
}
