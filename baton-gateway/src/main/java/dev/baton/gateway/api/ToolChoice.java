package dev.baton.gateway.api;

import java.util.Objects;

/** Whether and which tool the model must call. */
public sealed interface ToolChoice {
    /** The model decides (the default when tools are given). */
    record Auto() implements ToolChoice {}

    /** The model must not call a tool. */
    record None() implements ToolChoice {}

    /** The model must call some tool. */
    record Required() implements ToolChoice {}

    /** The model must call the named function. */
    record Function(String name) implements ToolChoice {
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }
}
