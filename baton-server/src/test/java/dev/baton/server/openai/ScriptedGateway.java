package dev.baton.server.openai;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.HealthCheck;
import dev.baton.gateway.admin.HealthState;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.usage.UsageQuery;
import dev.baton.gateway.usage.UsageRecord;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageTotals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A gateway, admin and usage store whose answers the test scripts, recording what it was asked: tests the
 * HTTP edge's wire mapping without providers or routing behind it. Not thread-safe beyond one request at a time.
 */
final class ScriptedGateway implements Gateway, GatewayAdmin, UsageStore {
    static final Served SERVED = new Served("fast", "dep-a", "openai", "gpt-4o-mini", 1, Duration.ofMillis(12),
            null, 0.0001, false);

    volatile ChatRequest lastChat;
    volatile EmbeddingRequest lastEmbedding;
    volatile CallContext lastCall;
    volatile UsageQuery lastQuery;
    volatile Function<ChatRequest, ChatResponse> chat = r -> new ChatResponse("resp-1",
            dev.baton.gateway.api.ChatMessage.assistant("hello there"), FinishReason.STOP, new Usage(7, 2, false),
            SERVED);
    /** Chunks a stream delivers, then {@link #streamFailure} is thrown (when set) or it completes. */
    volatile List<ChatChunk> chunks = List.of(ChatChunk.text("Hel"), ChatChunk.text("lo"),
            new ChatChunk(null, null, FinishReason.STOP));
    volatile BatonException streamFailure;
    volatile BatonException failure;
    final Map<String, DeploymentStatus> deployments = new LinkedHashMap<>();
    final List<UsageTotals> totals = new ArrayList<>();

    ScriptedGateway() {
        deployments.put("dep-a", status("dep-a", true));
    }

    static DeploymentStatus status(String id, boolean enabled) {
        return new DeploymentStatus(id, "fast", "openai", "gpt-4o-mini", enabled, BreakerState.HALF_OPEN,
                HealthState.DEGRADED, 75, 2, 123.5, 40, 10,
                List.of(new HealthCheck(Instant.parse("2026-01-01T00:00:00Z"), "probe", false, Duration.ofMillis(30),
                        "timeout")));
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        lastChat = request;
        lastCall = call;
        if (failure != null) {
            throw failure;
        }
        return chat.apply(request);
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        lastChat = request;
        lastCall = call;
        if (failure != null) {
            throw failure;
        }
        for (ChatChunk chunk : chunks) {
            sink.accept(chunk);
        }
        if (streamFailure != null) {
            throw streamFailure;
        }
        return new StreamResult("resp-s", FinishReason.STOP, new Usage(5, 3, false), SERVED);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        lastEmbedding = request;
        lastCall = call;
        if (failure != null) {
            throw failure;
        }
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < request.input().size(); i++) {
            vectors.add(new float[] {i + 0.5f, -1.25f, 3.0e-5f});
        }
        return new EmbeddingResponse(vectors, new Usage(4, 0, false), new Served("vectors", "local", "local",
                "bge-small-en-v1.5", 0, Duration.ZERO, null, 0, true));
    }

    @Override
    public List<ModelInfo> models() {
        return List.of(new ModelInfo("fast", ModelKind.CHAT, List.of("dep-a"), List.of()),
                new ModelInfo("org/model-x", ModelKind.CHAT, List.of("dep-b"), List.of()),
                new ModelInfo("vectors", ModelKind.EMBEDDING, List.of("local"), List.of()));
    }

    @Override
    public List<DeploymentStatus> deployments() {
        return List.copyOf(deployments.values());
    }

    @Override
    public DeploymentStatus deployment(String id) {
        DeploymentStatus status = deployments.get(id);
        if (status == null) {
            throw BatonException.notFound("deployment", id);
        }
        return status;
    }

    @Override
    public DeploymentStatus setEnabled(String id, boolean enabled) {
        deployment(id);
        deployments.put(id, status(id, enabled));
        return deployments.get(id);
    }

    @Override
    public void append(List<UsageRecord> records) {
    }

    @Override
    public List<UsageTotals> summarize(UsageQuery query) {
        lastQuery = query;
        return List.copyOf(totals);
    }

    @Override
    public List<dev.baton.gateway.usage.UsageLatency> latencies(UsageQuery query) {
        lastQuery = query;
        return List.of();
    }
}
