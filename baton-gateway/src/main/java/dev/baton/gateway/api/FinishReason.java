package dev.baton.gateway.api;

/** Why the model stopped. Anthropic's stop reasons map onto these (end_turn/stop_sequence → STOP, ...). */
public enum FinishReason {
    /** Natural end or a stop sequence. */
    STOP,
    /** {@code max_tokens} reached. */
    LENGTH,
    /** The model called one or more tools. */
    TOOL_CALLS,
    /** The provider withheld content. */
    CONTENT_FILTER
}
