package dev.baton.gateway.api;

import java.util.Objects;

/**
 * A function call the model asks the caller to make.
 *
 * @param id        the provider's call id, echoed back in the {@link Role#TOOL} message that answers it
 * @param name      the function name
 * @param arguments the arguments as a JSON text, exactly as the model produced it (may be invalid JSON)
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
