package dev.baton.server;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.StreamResult;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Gateway} bound once, later: the step handlers are built (and workflows validated) before the store is
 * open, while the gateway's outermost layer records usage into that store. Calls before {@link #bind} fail with
 * {@code NOT_READY}, except {@link #models()}, which workflow validation uses to check model names: until bound it
 * answers the aliases the configuration declares. Thread-safe.
 */
final class DeferredGateway implements Gateway {
    private final AtomicReference<Gateway> target = new AtomicReference<>();
    private final List<ModelInfo> declared;

    /** @param declared the aliases the configuration declares, answered by {@link #models()} until bound */
    DeferredGateway(List<ModelInfo> declared) {
        this.declared = List.copyOf(declared);
    }

    /** Sets the gateway every call goes to from now on. */
    void bind(Gateway gateway) {
        if (!target.compareAndSet(null, Objects.requireNonNull(gateway, "gateway"))) {
            throw new IllegalStateException("the gateway is already bound");
        }
    }

    private Gateway target() {
        Gateway gateway = target.get();
        if (gateway == null) {
            throw new BatonException(ErrorCode.NOT_READY, "the AI gateway is starting; retry shortly");
        }
        return gateway;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        return target().chat(request, call);
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        return target().stream(request, call, sink);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return target().embed(request, call);
    }

    @Override
    public List<ModelInfo> models() {
        Gateway gateway = target.get();
        return gateway == null ? declared : gateway.models();
    }
}
