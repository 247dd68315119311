package dev.baton.observability.alerts;

import java.util.Objects;

/**
 * What one rule saw of one subject at one evaluation.
 *
 * @param rule           the rule's name
 * @param subject        {@code host}, {@code runs} or a deployment id
 * @param breaching      whether the condition holds now ({@code value > threshold})
 * @param value          the observed value in {@code unit}
 * @param threshold      the rule's threshold in {@code unit}
 * @param unit           {@code percent}, {@code seconds} or {@code unhealthy}
 * @param summary        one line with the figures
 * @param recommendation what to do about it
 */
public record Observation(String rule, String subject, boolean breaching, double value, double threshold,
                          String unit, String summary, String recommendation) {
    public Observation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(recommendation, "recommendation");
    }

    /** The key of the condition: {@code <rule>:<subject>}. */
    String key() {
        return rule + ":" + subject;
    }
}
