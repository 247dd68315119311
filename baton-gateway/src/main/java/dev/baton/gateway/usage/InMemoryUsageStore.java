package dev.baton.gateway.usage;

import dev.baton.core.store.Percentiles;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Usage records in memory: for tests and for nodes started without a database. Keeps every record for the life of
 * the process (no retention), so it suits short-lived and small installations only; production nodes use the JDBC
 * store.
 *
 * <p>Thread-safe and lock-free: appends go to a concurrent queue; {@link #summarize} and {@link #latencies} scan a
 * weakly consistent view (records appended during the scan may or may not be counted).
 */
public final class InMemoryUsageStore implements UsageStore {
    private final ConcurrentLinkedQueue<UsageRecord> records = new ConcurrentLinkedQueue<>();

    @Override
    public void append(List<UsageRecord> batch) {
        Objects.requireNonNull(batch, "records");
        batch.forEach(record -> Objects.requireNonNull(record, "record"));
        records.addAll(batch);
    }

    @Override
    public List<UsageTotals> summarize(UsageQuery query) {
        Objects.requireNonNull(query, "query");
        Map<String, Sum> groups = new HashMap<>();
        for (UsageRecord record : records) {
            if (matches(record, query)) {
                groups.computeIfAbsent(key(record, query.groupBy()), k -> new Sum()).add(record);
            }
        }
        List<UsageTotals> totals = new ArrayList<>(groups.size());
        groups.forEach((key, sum) -> totals.add(sum.totals(key)));
        totals.sort(ORDER);
        return totals;
    }

    @Override
    public List<UsageLatency> latencies(UsageQuery query) {
        Objects.requireNonNull(query, "query");
        Map<String, List<UsageRecord>> groups = new HashMap<>();
        for (UsageRecord record : records) {
            if (matches(record, query)) {
                groups.computeIfAbsent(key(record, query.groupBy()), k -> new ArrayList<>()).add(record);
            }
        }
        List<UsageLatency> result = new ArrayList<>(groups.size());
        groups.forEach((key, group) -> result.add(new UsageLatency(key, group.size(),
                group.stream().filter(r -> r.errorCode() != null).count(),
                Percentiles.of(group.stream().mapToDouble(r -> millis(r.latency())).toArray()),
                Percentiles.of(group.stream().filter(r -> r.timeToFirstToken() != null)
                        .mapToDouble(r -> millis(r.timeToFirstToken())).toArray()))));
        result.sort(Comparator.comparingLong(UsageLatency::calls).reversed().thenComparing(UsageLatency::key));
        return result;
    }

    /** Milliseconds at the stores' microsecond precision. */
    private static double millis(Duration duration) {
        return duration.toNanos() / 1_000 / 1000.0;
    }

    /** Largest cost first, ties by key ascending: the order {@link UsageStore#summarize} promises. */
    static final Comparator<UsageTotals> ORDER = Comparator.comparingDouble(UsageTotals::costUsd).reversed()
            .thenComparing(UsageTotals::key);

    private static boolean matches(UsageRecord record, UsageQuery query) {
        if (query.from() != null && record.at().isBefore(query.from())) {
            return false;
        }
        if (query.to() != null && !record.at().isBefore(query.to())) {
            return false;
        }
        for (var filter : query.filter().entrySet()) {
            if (!key(record, filter.getKey()).equals(filter.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The record's value of {@code dimension}; {@code ""} for a missing run, workflow or step. */
    static String key(UsageRecord record, UsageDimension dimension) {
        String value = switch (dimension) {
            case RUN -> record.runId();
            case WORKFLOW -> record.workflow();
            case PRINCIPAL -> record.principal();
            case MODEL -> record.alias();
            case DEPLOYMENT -> record.deployment();
            case PROVIDER -> record.provider();
            case STEP -> record.stepId();
            case TENANT -> record.tenantId();
            case API_KEY -> record.keyId();
        };
        return value == null ? "" : value;
    }

    /** Running totals of one group; confined to the summarizing thread. */
    private static final class Sum {
        long calls;
        long errors;
        long cacheHits;
        long inputTokens;
        long outputTokens;
        boolean estimated;
        double costUsd;

        void add(UsageRecord record) {
            calls++;
            errors += record.errorCode() == null ? 0 : 1;
            cacheHits += record.cacheHit() ? 1 : 0;
            inputTokens += record.inputTokens();
            outputTokens += record.outputTokens();
            estimated |= record.estimated();
            costUsd += record.costUsd();
        }

        UsageTotals totals(String key) {
            return new UsageTotals(key, calls, errors, cacheHits, inputTokens, outputTokens, estimated, costUsd);
        }
    }
}
