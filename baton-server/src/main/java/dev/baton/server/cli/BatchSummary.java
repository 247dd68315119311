package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Figures of a finished batch.
 *
 * @param total        inputs run
 * @param succeeded    runs that succeeded
 * @param failed       runs that did not (failed, cancelled, timed out or rejected)
 * @param p50Ms        median run duration, milliseconds (0 when empty)
 * @param p95Ms        95th percentile run duration, milliseconds (0 when empty)
 * @param elapsed      wall-clock time of the whole batch
 * @param runsPerSecond throughput: total / elapsed seconds (0 when elapsed is zero)
 */
public record BatchSummary(int total, int succeeded, int failed, long p50Ms, long p95Ms, Duration elapsed,
                           double runsPerSecond) {

    /** Summarises results; percentiles by the nearest-rank method. */
    public static BatchSummary of(List<RunResult> results, Duration elapsed) {
        int succeeded = (int) results.stream().filter(RunResult::succeeded).count();
        long[] durations = results.stream().mapToLong(RunResult::durationMs).sorted().toArray();
        double seconds = elapsed.toNanos() / 1e9;
        return new BatchSummary(results.size(), succeeded, results.size() - succeeded,
                percentile(durations, 50), percentile(durations, 95), elapsed,
                seconds > 0 ? results.size() / seconds : 0);
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Two human-readable lines. */
    public String describe() {
        return String.format(Locale.ROOT, "%d runs: %d succeeded, %d failed%n"
                        + "duration p50 %d ms, p95 %d ms; %.1f s elapsed, %.1f runs/s",
                total, succeeded, failed, p50Ms, p95Ms, elapsed.toMillis() / 1000.0, runsPerSecond);
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("total", total);
        node.put("succeeded", succeeded);
        node.put("failed", failed);
        node.put("p50Ms", p50Ms);
        node.put("p95Ms", p95Ms);
        node.put("elapsedMs", elapsed.toMillis());
        node.put("runsPerSecond", Math.round(runsPerSecond * 100) / 100.0);
        return node;
    }
}
