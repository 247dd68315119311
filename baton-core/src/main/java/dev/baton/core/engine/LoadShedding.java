package dev.baton.core.engine;

/**
 * Backpressure on starting runs: once {@code queueDepth} runs wait for admission (across the cluster when the
 * engine runs in one), new runs of a priority below {@code minPriority} are refused with {@code RATE_LIMITED}
 * (HTTP 429 with {@code Retry-After}), while runs of priority {@code minPriority} or more are still accepted up to
 * {@link EngineConfig#maxQueuedRuns()}. Child runs are never shed (their parent was admitted).
 *
 * @param queueDepth  queued runs from which low-priority runs are refused, 1..10,000,000; {@link #OFF} never sheds
 * @param minPriority the lowest priority still admitted past {@code queueDepth}, -100..100
 */
public record LoadShedding(int queueDepth, int minPriority) {

    /** No shedding: only {@link EngineConfig#maxQueuedRuns()} applies. */
    public static final LoadShedding OFF = new LoadShedding(Integer.MAX_VALUE, -100);

    /**
     * From 50,000 queued runs (half the default {@link EngineConfig#maxQueuedRuns()}), runs of negative priority
     * (background work) are refused; runs of normal (0) or higher priority are still accepted.
     */
    public static final LoadShedding DEFAULT = new LoadShedding(50_000, 0);

    public LoadShedding {
        if (queueDepth < 1) {
            throw new IllegalArgumentException("loadShedding.queueDepth must be at least 1, got " + queueDepth);
        }
        if (minPriority < -100 || minPriority > 100) {
            throw new IllegalArgumentException("loadShedding.minPriority must be between -100 and 100, got "
                    + minPriority);
        }
    }

    /** Whether a new run of {@code priority} is refused when {@code queued} runs wait. */
    public boolean sheds(long queued, int priority) {
        return queued >= queueDepth && priority < minPriority;
    }
}
