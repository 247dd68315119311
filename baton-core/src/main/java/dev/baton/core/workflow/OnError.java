package dev.baton.core.workflow;

/** What a step's final failure (after its retries) does to the run. */
public enum OnError {
    /** The run fails (the default). */
    FAIL,
    /** The step records its error, its output is {@code null}, dependents still run and the run can succeed. */
    CONTINUE
}
