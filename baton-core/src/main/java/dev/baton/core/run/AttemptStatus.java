package dev.baton.core.run;

/** The outcome of one step attempt. */
public enum AttemptStatus {
    /** Started and not yet finished (or interrupted by a crash; resume retries it). */
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** The step's {@code if} condition was false; the step was not executed. */
    SKIPPED,
    CANCELLED,
    TIMED_OUT;

    public boolean isTerminal() {
        return this != RUNNING;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AttemptStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
