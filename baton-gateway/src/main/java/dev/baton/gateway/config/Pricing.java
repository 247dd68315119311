package dev.baton.gateway.config;

import dev.baton.gateway.api.Usage;

/**
 * Prices of one deployment in USD per one million tokens, as providers publish them.
 *
 * @param inputPerMillion  USD per 1M input (prompt) tokens, ≥ 0
 * @param outputPerMillion USD per 1M output (completion) tokens, ≥ 0
 */
public record Pricing(double inputPerMillion, double outputPerMillion) {

    /** Free (self-hosted and in-process models). */
    public static final Pricing FREE = new Pricing(0, 0);

    public Pricing {
        if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
            throw new IllegalArgumentException("prices must be ≥ 0 USD per 1M tokens");
        }
    }

    /** The cost of {@code usage} in USD. */
    public double cost(Usage usage) {
        return (usage.inputTokens() * inputPerMillion + usage.outputTokens() * outputPerMillion) / 1_000_000.0;
    }
}
