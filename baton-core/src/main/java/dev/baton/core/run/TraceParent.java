package dev.baton.core.run;

import dev.baton.core.error.BatonException;

import java.util.Objects;
import java.util.Optional;

/**
 * A W3C Trace Context {@code traceparent} value of version {@code 00}:
 * {@code 00-<trace-id: 32 lowercase hex>-<parent-id: 16 lowercase hex>-<trace-flags: 2 lowercase hex>}, where
 * neither id is all zeros (<a href="https://www.w3.org/TR/trace-context/#traceparent-header">W3C Trace Context,
 * section 3.2</a>). Runs carry the header form ({@link Run#traceParent()}); this type parses and checks it.
 *
 * <p>Only version {@code 00} is accepted (the only version defined); anything else, upper-case hex included, is
 * invalid. An HTTP edge must ignore an invalid header (the W3C rule: restart the trace) rather than fail the
 * request, so use {@link #parse} or {@link #isValid} there; {@link #require} is for values that must be valid.
 *
 * @param traceId  the trace id, 32 lowercase hex digits, not all zero
 * @param parentId the id of the parent span, 16 lowercase hex digits, not all zero
 * @param flags    the trace flags, 2 lowercase hex digits ({@code 01}: sampled)
 */
public record TraceParent(String traceId, String parentId, String flags) {
    /** Length of the header form: {@code 2 + 1 + 32 + 1 + 16 + 1 + 2}. */
    public static final int LENGTH = 55;

    public TraceParent {
        if (!isId(traceId, 32)) {
            throw new IllegalArgumentException("traceId must be 32 lowercase hex digits, not all zero, got "
                    + traceId);
        }
        if (!isId(parentId, 16)) {
            throw new IllegalArgumentException("parentId must be 16 lowercase hex digits, not all zero, got "
                    + parentId);
        }
        if (flags == null || flags.length() != 2 || !isHex(flags, 0, 2)) {
            throw new IllegalArgumentException("flags must be 2 lowercase hex digits, got " + flags);
        }
    }

    /** Whether {@code header} is a valid version-00 {@code traceparent}; {@code false} for {@code null}. */
    public static boolean isValid(String header) {
        return header != null && header.length() == LENGTH && header.startsWith("00-") && header.charAt(35) == '-'
                && header.charAt(52) == '-' && isHex(header, 3, 35) && !isZero(header, 3, 35)
                && isHex(header, 36, 52) && !isZero(header, 36, 52) && isHex(header, 53, 55);
    }

    /** The parsed header, or empty when it is {@code null} or not valid (see {@link #isValid}). */
    public static Optional<TraceParent> parse(String header) {
        return isValid(header) ? Optional.of(new TraceParent(header.substring(3, 35), header.substring(36, 52),
                header.substring(53, 55))) : Optional.empty();
    }

    /**
     * Checks a {@code traceparent} that must be valid when present.
     *
     * @return {@code header} (possibly {@code null})
     * @throws BatonException INVALID_INPUT naming {@code traceparent} when it is not {@code null} and not valid
     */
    public static String require(String header) {
        if (header != null && !isValid(header)) {
            throw BatonException.invalidInput("traceparent", "expected a W3C traceparent"
                    + " '00-<32 lowercase hex trace id>-<16 lowercase hex parent id>-<2 hex flags>' with non-zero ids,"
                    + " got '" + abbreviate(header) + "'");
        }
        return header;
    }

    /** Whether the sampled flag (bit 0 of the flags) is set. */
    public boolean sampled() {
        return (Integer.parseInt(flags, 16) & 1) == 1;
    }

    /** The header form, {@code 00-<traceId>-<parentId>-<flags>}. */
    @Override
    public String toString() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static boolean isId(String value, int length) {
        return value != null && value.length() == length && isHex(value, 0, length) && !isZero(value, 0, length);
    }

    private static boolean isHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String value) {
        Objects.requireNonNull(value);
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
