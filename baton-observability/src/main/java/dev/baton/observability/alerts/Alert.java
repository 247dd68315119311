package dev.baton.observability.alerts;

import java.time.Instant;
import java.util.Objects;

/**
 * One alert: a rule's condition on one subject that held for the rule's {@code for} duration.
 *
 * @param id             unique per alert: {@code <rule>:<subject>:<firedAt epoch ms>}
 * @param rule           the rule's name, e.g. {@code cpu}, {@code deploymentUnhealthy}
 * @param subject        what it is about: {@code host}, {@code runs}, or a deployment id
 * @param state          firing or resolved
 * @param firedAt        when it fired (the condition began {@code for} earlier)
 * @param resolvedAt     when it resolved, {@code null} while firing
 * @param value          the latest observed value, in {@code unit}
 * @param threshold      the rule's threshold, in {@code unit}; the condition is {@code value > threshold}
 * @param unit           {@code percent}, {@code seconds} or {@code unhealthy} (1 when unhealthy, else 0)
 * @param summary        one line saying what is wrong, with the figures
 * @param recommendation what a person can do about it
 */
public record Alert(String id, String rule, String subject, AlertState state, Instant firedAt, Instant resolvedAt,
                    double value, double threshold, String unit, String summary, String recommendation) {
    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(firedAt, "firedAt");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(recommendation, "recommendation");
        if ((state == AlertState.RESOLVED) != (resolvedAt != null)) {
            throw new IllegalArgumentException("resolvedAt is set exactly when the alert is resolved");
        }
    }

    /** A new firing alert for {@code observation}. */
    static Alert fire(Observation observation, Instant at) {
        return new Alert(observation.rule() + ":" + observation.subject() + ":" + at.toEpochMilli(),
                observation.rule(), observation.subject(), AlertState.FIRING, at, null, observation.value(),
                observation.threshold(), observation.unit(), observation.summary(), observation.recommendation());
    }

    /** This firing alert with the figures of a newer observation. */
    Alert update(Observation observation) {
        return new Alert(id, rule, subject, state, firedAt, null, observation.value(), observation.threshold(),
                unit, observation.summary(), observation.recommendation());
    }

    /** This alert resolved at {@code at}. */
    Alert resolve(Instant at) {
        return new Alert(id, rule, subject, AlertState.RESOLVED, firedAt, at, value, threshold, unit, summary,
                recommendation);
    }

    /** The key of the condition it is about: {@code <rule>:<subject>}. */
    String key() {
        return rule + ":" + subject;
    }
}
