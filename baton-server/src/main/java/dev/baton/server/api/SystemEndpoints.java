package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.workflow.DurationFormat;
import dev.baton.observability.alerts.Alert;
import dev.baton.observability.alerts.AlertDocument;
import dev.baton.observability.alerts.AlertEvaluator;
import dev.baton.observability.alerts.AlertRule;
import dev.baton.observability.alerts.AlertState;
import dev.baton.observability.alerts.Monitoring;
import dev.baton.observability.system.HostReading;
import dev.baton.observability.system.MetricSummary;
import dev.baton.observability.system.SystemMonitor;
import dev.baton.observability.system.SystemSample;
import dev.baton.observability.system.SystemSummary;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host monitoring and alerts: {@code GET /system} (the latest sample and a summary over {@code ?window=}),
 * {@code GET /system/history} (the samples of a window), {@code GET /alerts} (firing and recently resolved,
 * {@code ?state=}) and {@code GET /alerts/rules}. Ratios are 0..1, sizes in bytes, rates in bytes per second; a
 * figure the platform does not give is {@code null}. Bad parameters are 400 problems naming the parameter.
 * Thread-safe.
 */
final class SystemEndpoints {
    /** The summary window when {@code ?window=} is absent (capped at the configured history). */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    /** Most samples {@code GET /system/history} returns when {@code ?limit=} is absent. */
    static final int DEFAULT_HISTORY_LIMIT = 1_000;
    /** The largest {@code ?limit=} of {@code GET /system/history}. */
    static final int MAX_HISTORY_LIMIT = 10_000;

    private final Monitoring monitoring;
    private final boolean alertsEnabled;
    private final boolean webhook;

    SystemEndpoints(Monitoring monitoring, boolean alertsEnabled, boolean webhook) {
        this.monitoring = monitoring;
        this.alertsEnabled = alertsEnabled;
        this.webhook = webhook;
    }

    /** {@code GET /system?window=}: {@code {enabled, interval, history, latest, summary}}. */
    void system(Context ctx) {
        onlyParameters(ctx, Set.of("window"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        SystemMonitor monitor = monitoring.monitor().orElse(null);
        body.put("enabled", monitor != null);
        if (monitor == null) {
            body.putNull("latest");
            body.putNull("summary");
            Json.respond(ctx, 200, body);
            return;
        }
        Duration window = window(ctx, monitor);
        body.put("interval", DurationFormat.format(monitor.settings().interval()));
        body.put("history", DurationFormat.format(monitor.settings().history()));
        SystemSample latest = monitor.latest().orElse(null);
        if (latest == null) {
            body.putNull("latest");
        } else {
            sample(body.putObject("latest"), latest);
        }
        SystemSummary summary = monitor.summary(window);
        ObjectNode out = body.putObject("summary");
        out.put("window", DurationFormat.format(window));
        out.put("from", summary.from() == null ? null : summary.from().toString());
        out.put("to", summary.to() == null ? null : summary.to().toString());
        out.put("samples", summary.samples());
        ObjectNode metrics = out.putObject("metrics");
        summary.metrics().forEach((metric, stats) -> {
            ObjectNode item = metrics.putObject(metric.wireName());
            item.put("unit", metric.unit());
            summaryOf(item, stats);
        });
        Json.respond(ctx, 200, body);
    }

    /**
     * {@code GET /system/history?window=&limit=}: {@code {enabled, window, interval, samples, limit, items:
     * [sample]}}, oldest first. When the window holds more than {@code limit} samples (default
     * {@value #DEFAULT_HISTORY_LIMIT}, at most {@value #MAX_HISTORY_LIMIT}) they are downsampled evenly: {@code
     * limit} samples spread evenly over the window, the oldest and the newest included ({@link #downsample});
     * {@code samples} is how many the window held.
     */
    void history(Context ctx) {
        onlyParameters(ctx, Set.of("window", "limit"));
        int limit = historyLimit(ctx.queryParam("limit"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        SystemMonitor monitor = monitoring.monitor().orElse(null);
        body.put("enabled", monitor != null);
        ArrayNode items = Json.MAPPER.createArrayNode();
        if (monitor != null) {
            Duration window = window(ctx, monitor);
            body.put("window", DurationFormat.format(window));
            body.put("interval", DurationFormat.format(monitor.settings().interval()));
            List<SystemSample> samples = monitor.history(window);
            body.put("samples", samples.size());
            body.put("limit", limit);
            for (SystemSample sample : downsample(samples, limit)) {
                sample(items.addObject(), sample);
            }
        }
        body.set("items", items);
        Json.respond(ctx, 200, body);
    }

    /** {@code ?limit=} of the history: an integer from 1 to {@value #MAX_HISTORY_LIMIT}. */
    static int historyLimit(String text) {
        if (text == null) {
            return DEFAULT_HISTORY_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 1 && limit <= MAX_HISTORY_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BatonException.invalidInput("limit", "must be an integer between 1 and " + MAX_HISTORY_LIMIT
                + ", got '" + text + "'");
    }

    /**
     * At most {@code limit} of {@code items} (in order), evenly spread: item {@code round(k·(n−1)/(limit−1))} for
     * k = 0..limit−1, so the first and the last are kept (with {@code limit} 1, only the last, the newest).
     */
    static <T> List<T> downsample(List<T> items, int limit) {
        int n = items.size();
        if (n <= limit) {
            return items;
        }
        if (limit == 1) {
            return List.of(items.getLast());
        }
        List<T> kept = new ArrayList<>(limit);
        for (int k = 0; k < limit; k++) {
            kept.add(items.get((int) Math.round((double) k * (n - 1) / (limit - 1))));
        }
        return kept;
    }

    /**
     * {@code GET /alerts?state=firing|resolved}: evaluates the rules now, then {@code {items: [alert]}}: firing
     * alerts (oldest first) then resolved ones (most recent first).
     */
    void alerts(Context ctx) {
        onlyParameters(ctx, Set.of("state"));
        String stateText = ctx.queryParam("state");
        AlertState state = null;
        if (stateText != null) {
            state = switch (stateText) {
                case "firing" -> AlertState.FIRING;
                case "resolved" -> AlertState.RESOLVED;
                default -> throw BatonException.invalidInput("state", "must be firing or resolved, got '"
                        + stateText + "'");
            };
        }
        AlertEvaluator evaluator = monitoring.alerts();
        evaluator.evaluate();
        List<Alert> alerts = new ArrayList<>();
        if (state != AlertState.RESOLVED) {
            alerts.addAll(evaluator.firing());
        }
        if (state != AlertState.FIRING) {
            alerts.addAll(evaluator.resolved());
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("items");
        alerts.forEach(alert -> AlertDocument.write(items.addObject(), alert));
        Json.respond(ctx, 200, body);
    }

    /** {@code GET /alerts/rules}: {@code {enabled, webhook, items: [{name, condition, forSeconds}]}}. */
    void rules(Context ctx) {
        onlyParameters(ctx, Set.of());
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("enabled", alertsEnabled);
        body.put("webhook", webhook);
        ArrayNode items = body.putArray("items");
        for (AlertRule rule : monitoring.alerts().rules()) {
            AlertDocument.write(items.addObject(), rule);
        }
        Json.respond(ctx, 200, body);
    }

    private static void onlyParameters(Context ctx, Set<String> known) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!known.contains(name)) {
                throw BatonException.invalidInput(name, "unknown query parameter; known: "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** {@code ?window=}: a positive duration no longer than the history; default 15m capped at the history. */
    private static Duration window(Context ctx, SystemMonitor monitor) {
        Duration history = monitor.settings().history();
        String text = ctx.queryParam("window");
        if (text == null) {
            return DEFAULT_WINDOW.compareTo(history) > 0 ? history : DEFAULT_WINDOW;
        }
        Duration window;
        try {
            window = DurationFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw BatonException.invalidInput("window", e.getMessage());
        }
        if (window.isZero() || window.compareTo(history) > 0) {
            throw BatonException.invalidInput("window", "must be more than 0s and at most the kept history ("
                    + DurationFormat.format(history) + ", observability.system.history), got " + text);
        }
        return window;
    }

    private static void sample(ObjectNode out, SystemSample sample) {
        HostReading host = sample.host();
        out.put("at", sample.at().toString());
        number(out, "cpuHost", host.hostCpuLoad());
        number(out, "cpuProcess", host.processCpuLoad());
        bytes(out, "memoryUsedBytes", host.memoryUsedBytes());
        bytes(out, "memoryTotalBytes", host.memoryTotalBytes());
        number(out, "memoryUsed", host.memoryUsedRatio());
        bytes(out, "diskUsedBytes", host.diskUsedBytes());
        bytes(out, "diskTotalBytes", host.diskTotalBytes());
        number(out, "diskUsed", host.diskUsedRatio());
        number(out, "networkReceivedBytesPerSecond", sample.networkReceivedPerSecond());
        number(out, "networkSentBytesPerSecond", sample.networkSentPerSecond());
        bytes(out, "heapUsedBytes", host.heapUsedBytes());
        bytes(out, "heapMaxBytes", host.heapMaxBytes());
        bytes(out, "gcCount", host.gcCount());
        bytes(out, "gcTimeMillis", host.gcTimeMillis());
        number(out, "gcTime", sample.gcTimeRatio());
        out.put("threads", host.threads());
    }

    private static void summaryOf(ObjectNode out, MetricSummary stats) {
        out.put("samples", stats.samples());
        for (Map.Entry<String, Double> entry : List.of(Map.entry("min", stats.min()), Map.entry("avg", stats.avg()),
                Map.entry("max", stats.max()), Map.entry("p95", stats.p95()))) {
            number(out, entry.getKey(), entry.getValue());
        }
    }

    private static void number(ObjectNode out, String name, double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.put(name, (long) value); // bytes and counts as integers, not 2.7E7
        } else if (Double.isFinite(value)) {
            out.put(name, Math.round(value * 1e6) / 1e6); // 6 decimals: ratios keep their precision
        } else {
            out.putNull(name);
        }
    }

    private static void bytes(ObjectNode out, String name, long value) {
        if (value < 0) {
            out.putNull(name);
        } else {
            out.put(name, value);
        }
    }
}
