package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;
import dev.baton.gateway.config.SecretRef;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Alert rules and their optional webhook ({@code observability.alerts}). Every rule is on by default with the
 * thresholds below and can be switched off or retuned on its own; {@code for} is how long a condition must hold
 * before the alert fires (0s: at the first evaluation that sees it).
 *
 * <pre>{@code
 * observability:
 *   alerts:
 *     enabled: true
 *     keepResolved: 200                       # resolved alerts kept for the API, 1..10000
 *     rules:
 *       cpu:    {enabled: true, threshold: 80, for: 5m}     # host CPU busy, percent
 *       memory: {threshold: 85, for: 5m}                    # host memory used, percent
 *       disk:   {threshold: 90, for: 1m}                    # filesystem of dataDir used, percent
 *       runErrorRate: {threshold: 5, window: 10m, minRuns: 20, for: 0s}   # failed + timed-out runs, percent
 *       deploymentUnhealthy: {for: 1m}                      # any gateway deployment UNHEALTHY
 *       queueWait: {threshold: 30s, window: 10m, minRuns: 20, for: 0s}  # p95 of run queue wait
 *     webhook:                                # optional: JSON POST on fire and on resolve
 *       url: https://hooks.example.com/baton
 *       headers: {Authorization: env:ALERT_WEBHOOK_TOKEN}   # values are env:/file: secret references
 *       timeout: 5s
 *       maxAttempts: 4
 * }</pre>
 *
 * @param enabled      whether alerts are evaluated at all
 * @param cpu          host CPU busy above {@code threshold} percent
 * @param memory       host memory used above {@code threshold} percent
 * @param disk         the data directory's filesystem used above {@code threshold} percent
 * @param runErrorRate runs that finished FAILED or TIMED_OUT above {@code threshold} percent of the finished runs
 *                     in the window
 * @param deploymentUnhealthy a gateway deployment in health UNHEALTHY
 * @param queueWait    95th percentile of run queue wait in the window above {@code threshold}
 * @param keepResolved how many resolved alerts are kept (oldest dropped first)
 * @param webhook      where alerts are posted, or {@code null} for none
 */
public record AlertSettings(boolean enabled, UsageRule cpu, UsageRule memory, UsageRule disk,
                            ErrorRateRule runErrorRate, DeploymentRule deploymentUnhealthy, QueueWaitRule queueWait,
                            int keepResolved, Webhook webhook) {
    /** Longest {@code for} and {@code window}. */
    static final Duration MAX_DURATION = Duration.ofDays(1);

    /** Every rule on at the thresholds, 200 resolved alerts kept, no webhook. */
    public static final AlertSettings DEFAULT = new AlertSettings(true,
            new UsageRule(true, 80, Duration.ofMinutes(5)),
            new UsageRule(true, 85, Duration.ofMinutes(5)),
            new UsageRule(true, 90, Duration.ofMinutes(1)),
            new ErrorRateRule(true, 5, Duration.ofMinutes(10), 20, Duration.ZERO),
            new DeploymentRule(true, Duration.ofMinutes(1)),
            new QueueWaitRule(true, Duration.ofSeconds(30), Duration.ofMinutes(10), 20, Duration.ZERO),
            200, null);

    public AlertSettings {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(runErrorRate, "runErrorRate");
        Objects.requireNonNull(deploymentUnhealthy, "deploymentUnhealthy");
        Objects.requireNonNull(queueWait, "queueWait");
        if (keepResolved < 1 || keepResolved > 10_000) {
            throw new IllegalArgumentException("keepResolved must be between 1 and 10000, got " + keepResolved);
        }
    }

    /** The longest window of the run rules: how much run history the engine observer keeps. */
    public Duration runWindow() {
        return runErrorRate.window().compareTo(queueWait.window()) >= 0 ? runErrorRate.window() : queueWait.window();
    }

    /**
     * A rule on a host percentage.
     *
     * @param thresholdPercent fires above this, in [0, 100]
     * @param forDuration      how long it must stay above before firing
     */
    public record UsageRule(boolean enabled, double thresholdPercent, Duration forDuration) {
        public UsageRule {
            checkPercent(thresholdPercent);
            checkFor(forDuration);
        }
    }

    /**
     * The share of failed runs.
     *
     * @param thresholdPercent fires above this share of FAILED + TIMED_OUT among finished runs, in [0, 100]
     * @param window           the sliding window the share is computed over (1m..1d)
     * @param minRuns          fewer finished runs in the window never fire (a handful of runs is no rate)
     * @param forDuration      how long it must stay above before firing
     */
    public record ErrorRateRule(boolean enabled, double thresholdPercent, Duration window, int minRuns,
                                Duration forDuration) {
        public ErrorRateRule {
            checkPercent(thresholdPercent);
            checkWindow(window);
            checkMinRuns(minRuns);
            checkFor(forDuration);
        }
    }

    /**
     * The 95th percentile of the time runs waited in the queue before the engine admitted them.
     *
     * @param threshold   fires when the p95 is above this (more than zero)
     * @param window      the sliding window the percentile is computed over (1m..1d)
     * @param minRuns     fewer admitted runs in the window never fire
     * @param forDuration how long it must stay above before firing
     */
    public record QueueWaitRule(boolean enabled, Duration threshold, Duration window, int minRuns,
                                Duration forDuration) {
        public QueueWaitRule {
            Objects.requireNonNull(threshold, "threshold");
            if (threshold.isZero() || threshold.isNegative() || threshold.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("threshold must be more than 0s and at most 1d");
            }
            checkWindow(window);
            checkMinRuns(minRuns);
            checkFor(forDuration);
        }
    }

    /** A gateway deployment UNHEALTHY for {@code forDuration}; one alert per deployment. */
    public record DeploymentRule(boolean enabled, Duration forDuration) {
        public DeploymentRule {
            checkFor(forDuration);
        }
    }

    /**
     * Where alerts are posted (JSON, on fire and on resolve).
     *
     * @param url         an absolute http or https URL
     * @param headers     header name → secret reference, resolved at every delivery (so rotated files are
     *                    picked up); the values never appear in logs or errors
     * @param timeout     per request (100ms..5m)
     * @param maxAttempts attempts per notification, 1..10, with exponential backoff between them
     */
    public record Webhook(URI url, Map<String, SecretRef> headers, Duration timeout, int maxAttempts) {
        public Webhook {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http or https URL, got '" + url + "'");
            }
            headers = Map.copyOf(headers);
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be between 100ms and 5m");
            }
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 10, got " + maxAttempts);
            }
        }
    }

    private static void checkPercent(double value) {
        if (!(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException("threshold must be a percentage between 0 and 100, got " + value);
        }
    }

    private static void checkWindow(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("window must be between 1m and 1d");
        }
    }

    private static void checkMinRuns(int minRuns) {
        if (minRuns < 1 || minRuns > 1_000_000) {
            throw new IllegalArgumentException("minRuns must be between 1 and 1000000, got " + minRuns);
        }
    }

    private static void checkFor(Duration forDuration) {
        Objects.requireNonNull(forDuration, "for");
        if (forDuration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("for must be at most 1d");
        }
    }

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static AlertSettings read(ConfigTree tree) {
        tree.fields(Set.of("enabled", "keepResolved", "rules", "webhook"));
        ConfigTree rules = tree.get("rules").fields(Set.of("cpu", "memory", "disk", "runErrorRate",
                "deploymentUnhealthy", "queueWait"));
        return new AlertSettings(tree.get("enabled").bool(DEFAULT.enabled),
                usage(rules.get("cpu"), DEFAULT.cpu), usage(rules.get("memory"), DEFAULT.memory),
                usage(rules.get("disk"), DEFAULT.disk), errorRate(rules.get("runErrorRate")),
                deployment(rules.get("deploymentUnhealthy")), queueWait(rules.get("queueWait")),
                (int) tree.get("keepResolved").integer(DEFAULT.keepResolved, 1, 10_000),
                webhook(tree.get("webhook")));
    }

    private static UsageRule usage(ConfigTree tree, UsageRule fallback) {
        tree.fields(Set.of("enabled", "threshold", "for"));
        return new UsageRule(tree.get("enabled").bool(fallback.enabled()),
                tree.get("threshold").decimal(fallback.thresholdPercent(), 0, 100),
                forDuration(tree, fallback.forDuration()));
    }

    private static ErrorRateRule errorRate(ConfigTree tree) {
        ErrorRateRule fallback = DEFAULT.runErrorRate;
        tree.fields(Set.of("enabled", "threshold", "window", "minRuns", "for"));
        return new ErrorRateRule(tree.get("enabled").bool(fallback.enabled()),
                tree.get("threshold").decimal(fallback.thresholdPercent(), 0, 100), window(tree, fallback.window()),
                (int) tree.get("minRuns").integer(fallback.minRuns(), 1, 1_000_000),
                forDuration(tree, fallback.forDuration()));
    }

    private static QueueWaitRule queueWait(ConfigTree tree) {
        QueueWaitRule fallback = DEFAULT.queueWait;
        tree.fields(Set.of("enabled", "threshold", "window", "minRuns", "for"));
        ConfigTree thresholdTree = tree.get("threshold");
        Duration threshold = thresholdTree.duration(fallback.threshold());
        thresholdTree.build(t -> new QueueWaitRule(true, threshold, fallback.window(), 1, Duration.ZERO));
        return new QueueWaitRule(tree.get("enabled").bool(fallback.enabled()), threshold,
                window(tree, fallback.window()), (int) tree.get("minRuns").integer(fallback.minRuns(), 1, 1_000_000),
                forDuration(tree, fallback.forDuration()));
    }

    private static DeploymentRule deployment(ConfigTree tree) {
        DeploymentRule fallback = DEFAULT.deploymentUnhealthy;
        tree.fields(Set.of("enabled", "for"));
        return new DeploymentRule(tree.get("enabled").bool(fallback.enabled()),
                forDuration(tree, fallback.forDuration()));
    }

    private static Duration forDuration(ConfigTree rule, Duration fallback) {
        ConfigTree tree = rule.get("for");
        Duration value = tree.duration(fallback);
        tree.build(t -> {
            checkFor(value);
            return value;
        });
        return value;
    }

    private static Duration window(ConfigTree rule, Duration fallback) {
        ConfigTree tree = rule.get("window");
        Duration value = tree.duration(fallback);
        tree.build(t -> {
            checkWindow(value);
            return value;
        });
        return value;
    }

    /**
     * Header names the JDK {@code HttpClient} refuses to take from callers (lower case; its default
     * {@code jdk.httpclient.allowRestrictedHeaders}): a webhook header of these names could never be sent.
     */
    static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    private static Webhook webhook(ConfigTree tree) {
        if (tree.isMissing()) {
            return null;
        }
        tree.fields(Set.of("url", "headers", "timeout", "maxAttempts"));
        ConfigTree urlTree = tree.get("url");
        String urlText = urlTree.requiredText();
        URI url;
        try {
            url = new URI(urlText);
        } catch (URISyntaxException e) {
            throw ConfigTree.invalid(urlTree.path(), "is not a valid URL: " + e.getReason());
        }
        Map<String, SecretRef> headers = new LinkedHashMap<>();
        tree.get("headers").entries().forEach((name, value) -> {
            if (!HttpHeaderName.isValid(name)) {
                throw ConfigTree.invalid(value.path(), "is not a valid HTTP header name");
            }
            if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw ConfigTree.invalid(value.path(), "is a header the HTTP client sets itself and cannot be"
                        + " configured (restricted: " + String.join(", ", RESTRICTED_HEADERS.stream().sorted()
                        .toList()) + ")");
            }
            SecretRef secret = value.secret();
            if (secret == null) {
                throw ConfigTree.invalid(value.path(), "is required: a secret reference 'env:VARIABLE' or 'file:/path'");
            }
            headers.put(name, secret);
        });
        Duration timeout = tree.get("timeout").duration(Duration.ofSeconds(5));
        int maxAttempts = (int) tree.get("maxAttempts").integer(4, 1, 10);
        urlTree.build(t -> new Webhook(url, Map.of(), Duration.ofSeconds(5), 1));
        return tree.get("timeout").build(t -> new Webhook(url, headers, timeout, maxAttempts));
    }
}
