package dev.baton.server;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.usage.UsageQuery;
import dev.baton.gateway.usage.UsageRecord;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageTotals;
import dev.baton.server.openai.ClientKeys;

import java.util.List;
import java.util.Map;

/** Assembles a node's gateway stack from its configuration. (Interim: no models until the stack is merged.) */
final class GatewayStack {
    private GatewayStack() {
    }

    static NodeGateway assemble(BatonConfig config, EmbeddingModelRegistry models, NodeStores stores,
                                Map<String, String> environment) {
        ClientKeys keys = ClientKeys.resolve(config.gateway().keys(), environment);
        Empty empty = new Empty();
        return new NodeGateway(empty, empty, empty, keys, () -> { });
    }

    private static final class Empty implements Gateway, GatewayAdmin, UsageStore {
        public ChatResponse chat(ChatRequest request, CallContext call) {
            throw BatonException.notFound("model", request.model());
        }

        public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
            throw BatonException.notFound("model", request.model());
        }

        public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
            throw BatonException.notFound("model", request.model());
        }

        public List<ModelInfo> models() {
            return List.of();
        }

        public List<DeploymentStatus> deployments() {
            return List.of();
        }

        public DeploymentStatus deployment(String id) {
            throw BatonException.notFound("deployment", id);
        }

        public DeploymentStatus setEnabled(String id, boolean enabled) {
            throw BatonException.notFound("deployment", id);
        }

        public void append(List<UsageRecord> records) {
        }

        public List<UsageTotals> summarize(UsageQuery query) {
            return List.of();
        }
    }
}
