package dev.baton.ai.testing;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.ModelState;
import dev.baton.ai.Vectors;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic in-process embedding model for tests: a text's vector is built from its bytes (same text, same
 * vector), unit length. Its state can be set; while not ready it refuses like a real model. Counts its calls.
 */
public final class FakeEmbeddingModel implements EmbeddingModel {
    private final String name;
    private final int dimensions;
    private volatile ModelState state = ModelState.READY;
    public final AtomicInteger calls = new AtomicInteger();

    public FakeEmbeddingModel(String name, int dimensions) {
        this.name = name;
        this.dimensions = dimensions;
    }

    public FakeEmbeddingModel state(ModelState newState) {
        this.state = newState;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        calls.incrementAndGet();
        switch (state) {
            case LOADING -> throw new BatonException(ErrorCode.NOT_READY, "model " + name + " is still loading");
            case FAILED -> throw new BatonException(ErrorCode.STEP_FAILED, "model " + name + " failed to load");
            case READY -> {
            }
        }
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text.isBlank()) {
                throw new BatonException(ErrorCode.INVALID_ARGUMENT, "texts[" + i + "]: must not be empty or blank",
                        List.of(new FieldError("texts[" + i + "]", "must not be empty or blank")));
            }
            vectors.add(vector(text, dimensions));
        }
        return vectors;
    }

    /** The vector this model gives {@code text}. */
    public static float[] vector(String text, int dimensions) {
        float[] v = new float[dimensions];
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            v[i % dimensions] += (bytes[i] & 0xff) * (i + 1);
        }
        v[0] += 1;
        return Vectors.normalize(v);
    }

    @Override
    public ModelState state() {
        return state;
    }

    @Override
    public void awaitReady(Duration timeout) {
        if (state == ModelState.LOADING) {
            throw new BatonException(ErrorCode.NOT_READY, "model " + name + " is still loading after " + timeout);
        }
        if (state == ModelState.FAILED) {
            throw new BatonException(ErrorCode.STEP_FAILED, "model " + name + " failed to load");
        }
    }
}
