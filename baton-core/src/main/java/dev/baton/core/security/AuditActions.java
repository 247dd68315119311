package dev.baton.core.security;

/**
 * The names of audited actions and outcomes, and how an audit query's {@code action} filter selects entries: the action itself, or every action under it as a
 * dotted prefix ({@code run} selects {@code run.start} and {@code run.cancel}, not {@code runner.x}). Stores that
 * filter in SQL express the same rule as a range (see {@link #rangeStart} and {@link #rangeEnd}).
 */
public final class AuditActions {
    /** A workflow registered ({@code POST /workflows}). */
    public static final String WORKFLOW_REGISTER = "workflow.register";
    /** A workflow version stored under a given id ({@code PUT /workflows/{id}}). */
    public static final String WORKFLOW_UPDATE = "workflow.update";
    /** A workflow deleted. */
    public static final String WORKFLOW_DELETE = "workflow.delete";
    /** A bundled template registered as a workflow. */
    public static final String TEMPLATE_INSTANTIATE = "template.instantiate";
    /** A run started. */
    public static final String RUN_START = "run.start";
    /** A batch of runs started. */
    public static final String RUN_START_BATCH = "run.start-batch";
    /** A run cancelled. */
    public static final String RUN_CANCEL = "run.cancel";
    /** A finished run started again. */
    public static final String RUN_RETRY = "run.retry";
    /** An API key created. */
    public static final String KEY_CREATE = "key.create";
    /** An API key revoked. */
    public static final String KEY_REVOKE = "key.revoke";
    /** A gateway deployment enabled. */
    public static final String DEPLOYMENT_ENABLE = "deployment.enable";
    /** A gateway deployment disabled. */
    public static final String DEPLOYMENT_DISABLE = "deployment.disable";
    /** The gateway's response cache cleared. */
    public static final String CACHE_CLEAR = "cache.clear";
    /** A request whose credentials were missing or not accepted (401). */
    public static final String AUTH_FAILED = "auth.failed";
    /** An authenticated request refused for lack of permission (403). */
    public static final String ACCESS_DENIED = "access.denied";

    /** Outcome of an action that was done (2xx). */
    public static final String SUCCESS = "success";
    /** Outcome of a request refused by authentication or authorization (401, 403). */
    public static final String DENIED = "denied";
    /** Outcome of an action that was attempted and did not happen (any other status). */
    public static final String FAILED = "failed";

    private AuditActions() {
    }

    /** Whether {@code action} is selected by the filter {@code filter}. */
    public static boolean matches(String filter, String action) {
        return action.equals(filter) || action.startsWith(filter + ".");
    }

    /**
     * The exclusive lower bound of the actions under {@code filter} in code-point order: {@code filter + "."}.
     * Every action under the filter sorts after it and before {@link #rangeEnd}.
     */
    public static String rangeStart(String filter) {
        return filter + ".";
    }

    /** The exclusive upper bound of the actions under {@code filter}: {@code filter + "/"} ('/' follows '.'). */
    public static String rangeEnd(String filter) {
        return filter + "/";
    }
}
