package dev.baton.observability.tracing;

import dev.baton.core.run.Run;
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
import java.util.regex.Pattern;

/**
 * Where a run's spans go, computed from the run alone so that every node, before and after a restart, puts the
 * spans of one run into one trace under one root span:
 * <ul>
 *   <li>trace id: the trace id of {@link Run#traceParent()} when the run has one (an API caller's
 *       {@code traceparent}, or the parent attempt of a child run), else the run id's 32 hex digits (a UUID is a
 *       valid trace id); an id that is not a UUID is hashed (first 16 bytes of its SHA-256);</li>
 *   <li>root span id: the first 8 bytes of SHA-256 of the run id (the next 8 if those are all zero), so attempt
 *       spans can name the root span as their parent before it is emitted at the end of the run;</li>
 *   <li>remote parent: the span context of {@code traceParent}, the root span's parent, or {@code null}.</li>
 * </ul>
 *
 * @param traceId      32 lower-case hex digits, never all zero
 * @param rootSpanId   16 lower-case hex digits, never all zero
 * @param remoteParent the span the run belongs under, or {@code null} (then the root span is a trace root)
 */
public record RunTrace(String traceId, String rootSpanId, SpanContext remoteParent) {
    private static final Pattern TRACE_PARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
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
        SpanContext parent = parse(traceParent);
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
     * A W3C {@code traceparent} as a remote span context, or {@code null} when absent or not valid (version
     * {@code ff}, an all-zero id, upper-case hex).
     */
    public static SpanContext parse(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        var m = TRACE_PARENT.matcher(traceParent.strip());
        if (!m.matches() || m.group(1).equals("ff") || m.group(1).equals("00") && m.group(5) != null) {
            return null;
        }
        SpanContext context = SpanContext.createFromRemoteParent(m.group(2), m.group(3),
                TraceFlags.fromByte((byte) Integer.parseInt(m.group(4), 16)), TraceState.getDefault());
        return context.isValid() ? context : null;
    }

    /** {@code context} as a W3C {@code traceparent}: {@code 00-<trace-id>-<span-id>-<flags>}. */
    public static String format(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
