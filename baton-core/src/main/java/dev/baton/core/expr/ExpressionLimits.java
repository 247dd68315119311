package dev.baton.core.expr;

import java.time.Duration;
import java.util.Objects;

/**
 * The sandbox bounds of one expression evaluation. Expressions cannot do I/O by construction (CEL has no I/O
 * functions and Baton registers none); these bounds cap the CPU and memory one evaluation may use.
 *
 * <ul>
 *   <li>{@code maxIterations}: total comprehension iterations ({@code map}, {@code filter}, {@code all},
 *       {@code exists}...) of one evaluation, nested loops counted together (CEL's iteration budget).</li>
 *   <li>{@code maxStringLength}: longest string any intermediate or final value may be, in UTF-16 units.</li>
 *   <li>{@code maxCollectionSize}: most elements of any intermediate list or map, and most JSON nodes in the
 *       converted result.</li>
 *   <li>{@code timeout}: wall-clock bound of one evaluation, checked while it runs.</li>
 * </ul>
 *
 * @param maxIterations     1..10,000,000
 * @param maxStringLength   1..64 Mi
 * @param maxCollectionSize 1..10,000,000
 * @param timeout           positive
 */
public record ExpressionLimits(int maxIterations, int maxStringLength, int maxCollectionSize, Duration timeout) {

    /** 100,000 iterations, 1 MiB strings, 100,000 elements, 1 second. */
    public static final ExpressionLimits DEFAULT = new ExpressionLimits(100_000, 1 << 20, 100_000, Duration.ofSeconds(1));

    public ExpressionLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (maxIterations < 1 || maxIterations > 10_000_000) {
            throw new IllegalArgumentException("maxIterations must be between 1 and 10000000, got " + maxIterations);
        }
        if (maxStringLength < 1 || maxStringLength > (64 << 20)) {
            throw new IllegalArgumentException("maxStringLength must be between 1 and 64 Mi, got " + maxStringLength);
        }
        if (maxCollectionSize < 1 || maxCollectionSize > 10_000_000) {
            throw new IllegalArgumentException("maxCollectionSize must be between 1 and 10000000, got " + maxCollectionSize);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }
}
