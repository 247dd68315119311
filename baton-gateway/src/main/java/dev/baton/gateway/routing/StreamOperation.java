package dev.baton.gateway.routing;

import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.TokenEstimate;
import dev.baton.gateway.api.Usage;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The attempts of one streamed chat call. Chunks pass straight through to the caller's sink on the calling
 * thread; the operation notes when the first one went out (after that a failure can no longer be hidden by a
 * failover) and whether the caller's sink itself threw (that ends the call with the sink's exception, and says
 * nothing about the deployment).
 *
 * <p>Chunks that carry nothing (no text, no tool call piece, no finish reason, such as OpenAI's role-only first
 * delta) are not forwarded: they would close the failover window without giving the caller anything.
 *
 * <p>Used by one call on one thread; not thread-safe.
 */
final class StreamOperation implements Operation<StreamResult> {
    private final ChatRequest request;
    private final ChunkSink sink;
    private final InstantSource clock;
    private final String idempotencyKey;
    private Instant firstChunk;
    private Instant attemptFirstChunk;
    private RuntimeException sinkFailure;
    private long deliveredChars;

    /** @param idempotencyKey the call's idempotency key for the provider, or {@code null} */
    StreamOperation(ChatRequest request, ChunkSink sink, InstantSource clock, String idempotencyKey) {
        this.request = request;
        this.sink = sink;
        this.clock = clock;
        this.idempotencyKey = idempotencyKey;
    }

    @Override
    public StreamResult call(DeploymentState deployment) {
        attemptFirstChunk = null;
        ChatRequest upstream = request.withModel(deployment.deployment().upstreamModel());
        return deployment.provider().stream(deployment.deployment(), upstream, this::deliver, idempotencyKey);
    }

    private void deliver(ChatChunk chunk) {
        if (sinkFailure != null) {
            throw sinkFailure;
        }
        if (isEmpty(chunk)) {
            return;
        }
        if (firstChunk == null) {
            firstChunk = clock.instant();
        }
        if (attemptFirstChunk == null) {
            attemptFirstChunk = clock.instant();
        }
        deliveredChars += chars(chunk); // generated upstream, so consumed even if the caller is gone
        try {
            sink.accept(chunk);
        } catch (RuntimeException e) {
            sinkFailure = e;
            throw e;
        }
    }

    private static boolean isEmpty(ChatChunk chunk) {
        return (chunk.content() == null || chunk.content().isEmpty()) && chunk.toolCalls().isEmpty()
                && chunk.finishReason() == null;
    }

    private static long chars(ChatChunk chunk) {
        long chars = chunk.content() == null ? 0 : chunk.content().length();
        for (ChatChunk.ToolCallDelta delta : chunk.toolCalls()) {
            chars += delta.arguments() == null ? 0 : delta.arguments().length();
        }
        return chars;
    }

    /** A stream cut after chunks went out: the prompt and the delivered characters, estimated as tokens. */
    @Override
    public Usage consumedOnFailure() {
        if (firstChunk == null) {
            return Usage.ZERO;
        }
        return new Usage(TokenEstimate.tokens(TokenEstimate.promptChars(request)), TokenEstimate.tokens(deliveredChars),
                true);
    }

    @Override
    public Usage usage(StreamResult result) {
        return result.usage();
    }

    /** The attempt's time to its first chunk; the whole attempt when no chunk came. */
    @Override
    public Duration measured(Attempt attempt) {
        return attemptFirstChunk == null ? attempt.elapsed() : Duration.between(attempt.started(), attemptFirstChunk);
    }

    @Override
    public boolean committed() {
        return firstChunk != null;
    }

    @Override
    public RuntimeException callerFailure() {
        return sinkFailure;
    }

    /** Time from {@code callStarted} to the first chunk the caller received, or {@code null} when none came. */
    Duration timeToFirstToken(Instant callStarted) {
        return firstChunk == null ? null : Duration.between(callStarted, firstChunk);
    }
}
