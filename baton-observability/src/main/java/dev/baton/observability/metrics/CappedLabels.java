package dev.baton.observability.metrics;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Per-label-value holders (usually of meters) for a label whose values come from users (workflow ids, step
 * types): the first {@code max} distinct values get their own holder, every later value shares the holder of
 * {@value #OTHER}. Keeps the number of series bounded whatever the traffic. Lock-free; thread-safe; the cap is
 * exact under concurrency.
 *
 * @param <V> the holder, made by {@code factory} from the label value once per value
 */
final class CappedLabels<V> {
    /** The label value that stands for every value past the cap. */
    static final String OTHER = "other";

    private final ConcurrentHashMap<String, V> holders = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicReference<V> overflow = new AtomicReference<>();
    private final int max;
    private final Function<String, V> factory;

    CappedLabels(int max, Function<String, V> factory) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be ≥ 1, got " + max);
        }
        this.max = max;
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The holder of {@code value}, or of {@value #OTHER} once {@code max} other values were admitted. */
    V get(String value) {
        V holder = holders.get(value);
        if (holder != null) {
            return holder;
        }
        if (admitted.get() < max) {
            holder = holders.computeIfAbsent(value, v -> {
                if (admitted.incrementAndGet() > max) {
                    admitted.decrementAndGet();
                    return null; // no mapping: counted as other
                }
                return factory.apply(v);
            });
            if (holder != null) {
                return holder;
            }
        }
        return overflow();
    }

    /** How many distinct values have a holder of their own. */
    int admitted() {
        return Math.min(admitted.get(), max);
    }

    private V overflow() {
        V holder = overflow.get();
        if (holder == null) {
            overflow.compareAndSet(null, factory.apply(OTHER));
            holder = overflow.get();
        }
        return holder;
    }
}
