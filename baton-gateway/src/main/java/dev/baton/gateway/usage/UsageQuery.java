package dev.baton.gateway.usage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A roll-up of usage records.
 *
 * @param groupBy the dimension totals are grouped by
 * @param from    inclusive lower bound of {@link UsageRecord#at()}, or {@code null}
 * @param to      exclusive upper bound, or {@code null}
 * @param filter  only records whose dimension equals the value (e.g. {@code RUN → "r-123"}); empty for all
 */
public record UsageQuery(UsageDimension groupBy, Instant from, Instant to, Map<UsageDimension, String> filter) {
    public UsageQuery {
        Objects.requireNonNull(groupBy, "groupBy");
        filter = filter == null ? Map.of() : Map.copyOf(filter);
    }
}
