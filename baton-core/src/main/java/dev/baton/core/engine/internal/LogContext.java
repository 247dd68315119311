package dev.baton.core.engine.internal;

import org.slf4j.MDC;

/**
 * The keys the engine puts in the slf4j {@link MDC} so that log lines written about a run carry it: {@code runId}
 * and {@code workflowId} on a run's coordinator thread while it works, plus {@code stepId} and {@code attempt} on the
 * thread that executes a step handler. Each is put before the work and removed after it, on the same thread.
 * Stateless.
 */
final class LogContext {
    static final String RUN_ID = "runId";
    static final String WORKFLOW_ID = "workflowId";
    static final String STEP_ID = "stepId";
    static final String ATTEMPT = "attempt";

    private LogContext() {
    }

    static void putRun(String runId, String workflowId) {
        MDC.put(RUN_ID, runId);
        MDC.put(WORKFLOW_ID, workflowId);
    }

    static void removeRun() {
        MDC.remove(RUN_ID);
        MDC.remove(WORKFLOW_ID);
    }

    static void putAttempt(String runId, String workflowId, String stepId, int attempt) {
        putRun(runId, workflowId);
        MDC.put(STEP_ID, stepId);
        MDC.put(ATTEMPT, Integer.toString(attempt));
    }

    static void removeAttempt() {
        removeRun();
        MDC.remove(STEP_ID);
        MDC.remove(ATTEMPT);
    }
}
