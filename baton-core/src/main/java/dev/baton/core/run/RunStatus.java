package dev.baton.core.run;

/** The lifecycle of a run: queued → running → one of the terminal states. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    /** Lower-case name used on the wire, e.g. {@code timed_out}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
