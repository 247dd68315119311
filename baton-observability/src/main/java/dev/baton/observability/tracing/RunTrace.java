package dev.baton.observability.tracing;

import dev.baton.core.run.Run;
import dev.baton.core.run.TraceParent;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where a run's spans go, computed from the run alone so that every node, before and after a restart, puts the
 * spans of one run into one trace under one root span:
 * <ul>
 *   <li>trace id: the trace id of {@link Run#traceParent()} when the run has one (an API caller's
 *       {@code traceparent}, or the parent attempt of a child run), else the run id's 32 hex digits (a UUID is a
 *       valid trace id); an id that is not a UUID is hashed (first 16 bytes of its SHA-256);</li>
 *   <li>root span id: the first 8 bytes of SHA-256 of the run id (the next 8 if those are all zero), so attempt
 *       spans can name the root span as their parent before it is emitted at the end of the run;</li>
 *   <li>remote parent: the span context of {@code traceParent}, the root span's parent, or {@code null};</li>
 *   <li>attempt span ids: derived from the root span id, the step id and the attempt number
 *       ({@link #attemptSpanId}).</li>
 * </ul>
 *
 * @param traceId      32 lower-case hex digits, never all zero
 * @param rootSpanId   16 lower-case hex digits, never all zero
 * @param remoteParent the span the run belongs under, or {@code null} (then the root span is a trace root)
 */
public record RunTrace(String traceId, String rootSpanId, SpanContext remoteParent) {
    private static final HexFormat HEX = HexFormat.of();

    public RunTrace {
        if (!TraceId.isValid(traceId) || !SpanId.isValid(rootSpanId)) {
            throw new IllegalArgumentException("invalid trace id " + traceId + " or span id " + rootSpanId);
        }
    }

    /** The trace of {@code run}: see the type's description. */
    public static RunTrace of(Run run) {
        return of(run.id(), run.traceParent());
    }

    /** The trace of the run {@code runId} that belongs under {@code traceParent} (or {@code null}). */
    public static RunTrace of(String runId, String traceParent) {
        SpanContext parent = remoteParentOf(traceParent);
        String traceId = parent != null ? parent.getTraceId() : traceIdOf(runId);
        return new RunTrace(traceId, rootSpanIdOf(runId), parent);
    }

    /** The root span's context, as parent of attempt spans; sampled as {@code sampled} says. */
    public SpanContext rootContext(boolean sampled) {
        return SpanContext.create(traceId, rootSpanId, sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                remoteParent != null ? remoteParent.getTraceState() : TraceState.getDefault());
    }

    /** The trace id a run id stands for when the run has no {@code traceparent}. */
    static String traceIdOf(String runId) {
        String hex = runId.replace("-", "").toLowerCase(Locale.ROOT);
        if (hex.length() == 32 && TraceId.isValid(hex)) {
            return hex;
        }
        byte[] digest = sha256(runId);
        String hashed = HEX.formatHex(digest, 0, 16);
        return TraceId.isValid(hashed) ? hashed : HEX.formatHex(digest, 16, 32);
    }

    /** The root span id of a run. */
    static String rootSpanIdOf(String runId) {
        byte[] digest = sha256(runId);
        for (int offset = 0; offset + 8 <= digest.length; offset += 8) {
            String id = HEX.formatHex(digest, offset, offset + 8);
            if (SpanId.isValid(id)) {
                return id;
            }
        }
        return "0000000000000001"; // all 32 bytes zero: not a SHA-256 anyone will see
    }

    /**
     * A W3C {@code traceparent} as a remote span context, or {@code null} when absent or not valid (as
     * {@link TraceParent#parse} says: version {@code 00} only, non-zero ids, lower-case hex).
     */
    static SpanContext remoteParentOf(String traceParent) {
        return TraceParent.parse(traceParent)
                .map(p -> SpanContext.createFromRemoteParent(p.traceId(), p.parentId(),
                        TraceFlags.fromHex(p.flags(), 0), TraceState.getDefault()))
                .filter(SpanContext::isValid)
                .orElse(null);
    }

    /** {@code context} (valid) as a W3C {@code traceparent}: {@code 00-<trace-id>-<span-id>-<flags>}. */
    static String traceParentOf(SpanContext context) {
        return new TraceParent(context.getTraceId(), context.getSpanId(), context.getTraceFlags().asHex())
                .toString();
    }

    /**
     * The span id of attempt {@code attempt} of step {@code stepId} of this run: the root span id, the step id
     * (64-bit FNV-1a of its characters) and the attempt number mixed by SplitMix64's finalizer (Steele, Lea and
     * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014). Deterministic, so an attempt that is
     * observed again after a restart (resumed, or re-observed by another node) keeps its span id, and the child
     * runs that named it as parent stay under an exported span. Never all zero; no allocation but the string.
     */
    String attemptSpanId(String stepId, int attempt) {
        long fnv = 0xcbf29ce484222325L;
        for (int i = 0; i < stepId.length(); i++) {
            fnv = (fnv ^ stepId.charAt(i)) * 0x100000001b3L;
        }
        long id = mix(mix(Long.parseUnsignedLong(rootSpanId, 16) ^ fnv) ^ attempt);
        return HEX.toHexDigits(id == 0 ? 1 : id);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
