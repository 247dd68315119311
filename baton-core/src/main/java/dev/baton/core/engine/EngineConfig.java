package dev.baton.core.engine;

import java.util.Map;
import java.util.Objects;

/**
 * Limits of a {@link LocalEngine}. Every value is validated; messages name the bad value.
 *
 * @param maxRunningRuns        runs executing at once (admitted from the queue by priority), 1..1,000,000.
 *                              Child runs of {@code workflow}/{@code map} steps are not counted against it (their
 *                              parent already holds a slot; counting them could deadlock parents waiting on
 *                              children).
 * @param maxQueuedRuns         runs waiting for admission; beyond it {@code start} throws {@code RATE_LIMITED},
 *                              0..10,000,000
 * @param maxConcurrentAttempts step attempts executing handlers at once across the node, 1..1,000,000.
 *                              Built-in flow-control steps ({@code sleep}, {@code workflow}, {@code map},
 *                              {@code transform}) hold no permit.
 * @param stepTypeLimits        per step type overrides of {@code StepHandler.concurrencyLimit()} (type →
 *                              limit ≥ 1; 0 removes the handler's own limit)
 * @param journalBatchSize      most journal entries written in one store transaction (group commit), 1..100,000
 */
public record EngineConfig(int maxRunningRuns, int maxQueuedRuns, int maxConcurrentAttempts,
                           Map<String, Integer> stepTypeLimits, int journalBatchSize) {

    /** 10,000 running runs, 100,000 queued, 10,000 concurrent attempts, batches of 512 entries. */
    public static final EngineConfig DEFAULT = new EngineConfig(10_000, 100_000, 10_000, Map.of(), 512);

    public EngineConfig {
        stepTypeLimits = Map.copyOf(Objects.requireNonNull(stepTypeLimits, "stepTypeLimits"));
        check("maxRunningRuns", maxRunningRuns, 1, 1_000_000);
        check("maxQueuedRuns", maxQueuedRuns, 0, 10_000_000);
        check("maxConcurrentAttempts", maxConcurrentAttempts, 1, 1_000_000);
        check("journalBatchSize", journalBatchSize, 1, 100_000);
        stepTypeLimits.forEach((type, limit) -> check("stepTypeLimits." + type, limit, 0, 1_000_000));
    }

    public EngineConfig withMaxRunningRuns(int value) {
        return new EngineConfig(value, maxQueuedRuns, maxConcurrentAttempts, stepTypeLimits, journalBatchSize);
    }

    public EngineConfig withMaxQueuedRuns(int value) {
        return new EngineConfig(maxRunningRuns, value, maxConcurrentAttempts, stepTypeLimits, journalBatchSize);
    }

    public EngineConfig withMaxConcurrentAttempts(int value) {
        return new EngineConfig(maxRunningRuns, maxQueuedRuns, value, stepTypeLimits, journalBatchSize);
    }

    public EngineConfig withStepTypeLimits(Map<String, Integer> value) {
        return new EngineConfig(maxRunningRuns, maxQueuedRuns, maxConcurrentAttempts, value, journalBatchSize);
    }

    public EngineConfig withJournalBatchSize(int value) {
        return new EngineConfig(maxRunningRuns, maxQueuedRuns, maxConcurrentAttempts, stepTypeLimits, value);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
