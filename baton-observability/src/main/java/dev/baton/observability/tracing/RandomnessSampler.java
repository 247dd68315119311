package dev.baton.observability.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;

/**
 * The root sampler of Baton's traces: samples a trace when the lower 56 bits of its trace id, read as an unsigned
 * number, are below {@code ratio × 2^56}. Those 56 bits are the part the W3C Trace Context level 2 calls random
 * (<a href="https://www.w3.org/TR/trace-context-2/#random-trace-id-flag">section 3.2.2.3.2</a>), and they are
 * uniformly random both in the SDK's generated ids and in a run id (a UUID v4 fixes only its version nibble, in
 * the upper half, and its variant bits, above the lower 56), so a ratio {@code r} keeps a fraction {@code r} of
 * traces. The SDK's {@code traceIdRatioBased} reads the lower 64 bits instead, whose top bits are the UUID's
 * variant, which skews the ratio for run ids.
 *
 * <p>The decision depends on the trace id alone, so every node decides alike for one run. Ratio 0 samples
 * nothing, 1 everything. Immutable and thread-safe; no allocation per decision.
 */
final class RandomnessSampler implements Sampler {
    private static final long RANGE = 1L << 56;

    private final double ratio;
    private final long threshold;
    private final String description;

    /** @param ratio fraction of traces sampled, 0..1 */
    RandomnessSampler(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be between 0 and 1, got " + ratio);
        }
        this.ratio = ratio;
        this.threshold = ratio >= 1 ? RANGE : (long) Math.floor(ratio * RANGE);
        this.description = "RandomnessSampler{ratio=" + ratio + "}";
    }

    /** The fraction of traces sampled. */
    double ratio() {
        return ratio;
    }

    /** Whether the trace {@code traceId} (32 lower-case hex digits) is sampled. */
    boolean sampled(String traceId) {
        return Long.parseUnsignedLong(traceId, 18, 32, 16) < threshold;
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                       Attributes attributes, List<LinkData> parentLinks) {
        return sampled(traceId) ? SamplingResult.recordAndSample() : SamplingResult.drop();
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
