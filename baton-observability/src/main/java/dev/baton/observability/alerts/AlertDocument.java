package dev.baton.observability.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;

/**
 * The JSON shape of an alert and of a rule, shared by the HTTP API and the webhook payload so the two never
 * drift: {@code {id, rule, subject, state, firedAt, resolvedAt, value, threshold, unit, summary, recommendation}}
 * (times ISO-8601 UTC, {@code resolvedAt} null while firing, numbers rounded to 3 decimals). Stateless.
 */
public final class AlertDocument {
    private AlertDocument() {
    }

    /** Writes {@code alert}'s members into {@code target}; returns it. */
    public static ObjectNode write(ObjectNode target, Alert alert) {
        target.put("id", alert.id());
        target.put("rule", alert.rule());
        target.put("subject", alert.subject());
        target.put("state", alert.state().wireName());
        target.put("firedAt", alert.firedAt().toString());
        target.put("resolvedAt", alert.resolvedAt() == null ? null : alert.resolvedAt().toString());
        target.put("value", round(alert.value()));
        target.put("threshold", round(alert.threshold()));
        target.put("unit", alert.unit());
        target.put("summary", alert.summary());
        target.put("recommendation", alert.recommendation());
        return target;
    }

    /** Writes {@code rule} as {@code {name, condition, forSeconds}} into {@code target}; returns it. */
    public static ObjectNode write(ObjectNode target, AlertRule rule) {
        target.put("name", rule.name());
        target.put("condition", rule.condition());
        target.put("forSeconds", seconds(rule.forDuration()));
        return target;
    }

    /** {@code value} rounded to 3 decimals; NaN and infinities stay as they are (the caller writes null). */
    public static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : value;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
