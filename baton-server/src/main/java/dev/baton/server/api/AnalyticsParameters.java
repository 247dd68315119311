package dev.baton.server.api;

import dev.baton.core.error.BatonException;
import dev.baton.core.store.AnalyticsWindow;
import dev.baton.core.store.RunAnalytics;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query parameters the analytics routes share, read strictly: {@code from} and {@code to} (ISO-8601 instants
 * such as {@code 2026-01-31T12:00:00Z}, or durations before now such as {@code 90m}, {@code 24h}, {@code 7d};
 * defaults: the last 24 hours), {@code limit} (1..1000, default 100) and, on the routes that count runs,
 * {@code childRuns} ({@code true} or {@code false}, default false). Any other parameter, a bad value, a window that does not end after it starts or
 * one longer than {@link #MAX_WINDOW} is INVALID_INPUT naming the parameter (400 problem+json).
 *
 * @param window the runs' creation window (and the usage records' time range)
 * @param limit  at most this many items per listing
 */
record AnalyticsParameters(AnalyticsWindow window, int limit) {
    /** The window when neither bound is given: the last 24 hours. */
    static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    /** The longest window a request may ask for. */
    static final Duration MAX_WINDOW = Duration.ofDays(90);
    static final int DEFAULT_LIMIT = 100;
    /** The parameter of the routes that count runs. */
    static final String CHILD_RUNS = "childRuns";
    private static final Set<String> COMMON = Set.of("from", "to", "limit");
    private static final Pattern RELATIVE = Pattern.compile("([0-9]{1,6})([smhd])");

    /**
     * Reads the shared parameters of a request; {@code extra} names the route's own parameters.
     *
     * @throws BatonException INVALID_INPUT naming the parameter
     */
    static AnalyticsParameters read(Context ctx, InstantSource clock, Set<String> extra) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!COMMON.contains(name) && !extra.contains(name)) {
                Set<String> known = new TreeSet<>(COMMON);
                known.addAll(extra);
                throw BatonException.invalidInput(name, "unknown query parameter; known: " + known);
            }
        }
        Instant now = clock.instant();
        Instant to = instant(ctx.queryParam("to"), "to", now);
        Instant from = instant(ctx.queryParam("from"), "from", now);
        if (to == null) {
            to = now;
        }
        if (from == null) {
            from = to.minus(DEFAULT_WINDOW);
        }
        if (!from.isBefore(to)) {
            throw BatonException.invalidInput("from", "must be before to (" + to + "), got " + from);
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw BatonException.invalidInput("from", "the window from " + from + " to " + to
                    + " is longer than the maximum of " + MAX_WINDOW.toDays() + " days");
        }
        boolean childRuns = extra.contains(CHILD_RUNS) && flag(ctx.queryParam(CHILD_RUNS));
        return new AnalyticsParameters(new AnalyticsWindow(from, to, childRuns),
                limit(ctx.queryParam("limit")));
    }

    /** An instant, a duration before {@code now}, or {@code null} when absent. */
    static Instant instant(String text, String name, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher relative = RELATIVE.matcher(text.trim());
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration unit = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return now.minus(unit.multipliedBy(amount));
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw BatonException.invalidInput(name, "must be an ISO-8601 instant like 2026-01-31T12:00:00Z or a "
                    + "duration before now like 90m, 24h or 7d, got '" + text + "'");
        }
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return RunAnalytics.checkLimit(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw BatonException.invalidInput("limit", "must be an integer between 1 and " + RunAnalytics.MAX_LIMIT
                    + ", got '" + text + "'");
        }
    }

    private static boolean flag(String text) {
        if (text == null || text.isBlank() || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw BatonException.invalidInput(CHILD_RUNS, "must be true or false, got '" + text + "'");
    }
}
