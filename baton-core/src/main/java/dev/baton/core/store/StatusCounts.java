package dev.baton.core.store;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** Building and checking the per-status counts of the analytics records. */
final class StatusCounts {
    private StatusCounts() {
    }

    /** An unmodifiable copy holding every constant of {@code type}, missing ones as 0. */
    static <E extends Enum<E>> Map<E, Long> complete(Class<E> type, Map<E, Long> counts) {
        Objects.requireNonNull(counts, "byStatus");
        EnumMap<E, Long> all = new EnumMap<>(type);
        for (E status : type.getEnumConstants()) {
            long n = counts.getOrDefault(status, 0L);
            if (n < 0) {
                throw new IllegalArgumentException("count of " + status + " must be >= 0, got " + n);
            }
            all.put(status, n);
        }
        return Collections.unmodifiableMap(all);
    }

    static <E extends Enum<E>> long sum(Map<E, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
