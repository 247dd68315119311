package dev.baton.core.store;

import java.util.List;
import java.util.Optional;

/**
 * Figures about runs computed from a {@link RunStore}'s records, so they survive restarts and agree across the
 * nodes sharing a database: per workflow (runs by status, success rate, duration percentiles, retries, top error
 * codes), per step of a workflow (attempts by status, retries, duration percentiles, top error codes) and per
 * tenant (runs by status).
 *
 * <p>Which runs count is the {@link AnalyticsWindow}: runs created in {@code [from, to)}, top-level only unless
 * the window says otherwise. Step figures count the attempts of those runs, whenever the attempts happened.
 * Percentiles follow SQL's {@code PERCENTILE_CONT} (see {@link Percentiles}). Results are bounded: at most
 * {@code limit} workflows or steps, at most {@link #TOP_ERRORS} error codes each.
 *
 * <p>Implementations: {@link InMemoryRunAnalytics} over an {@link InMemoryRunStore}, and the JDBC one in
 * baton-store-jdbc; all pass {@code RunAnalyticsContract} (baton-core's test jar). Thread-safe. Every method
 * reads only; it throws {@link dev.baton.core.error.BatonException} {@code STORE_UNAVAILABLE} (retriable) when the
 * store cannot be read, and {@code INVALID_INPUT} for a limit out of 1..{@link #MAX_FETCH}.
 */
public interface RunAnalytics {
    /** How many error codes a workflow or step lists at most. */
    int TOP_ERRORS = 10;
    /** The largest page a caller shows: the API's and CLI's {@code limit} is 1..{@value}. */
    int MAX_LIMIT = 1000;
    /**
     * The largest {@code limit} the listings accept: one more than {@link #MAX_LIMIT}, so that a caller showing a
     * full page of {@link #MAX_LIMIT} items can ask for one more and tell whether the listing was cut.
     */
    int MAX_FETCH = MAX_LIMIT + 1;

    /**
     * The workflows with runs in the window, most runs first (ties: workflow id ascending).
     *
     * @param limit at most this many workflows, 1..{@value #MAX_FETCH}
     */
    List<WorkflowStats> workflows(String tenantId, AnalyticsWindow window, int limit);

    /** One workflow's figures, or empty when it has no run in the window. */
    Optional<WorkflowStats> workflow(String tenantId, String workflowId, AnalyticsWindow window);

    /**
     * The steps of one workflow with attempts in the window's runs, by step id ascending (map items grouped, see
     * {@link StepStats}).
     *
     * @param limit at most this many steps, 1..{@value #MAX_FETCH}
     */
    List<StepStats> steps(String tenantId, String workflowId, AnalyticsWindow window, int limit);

    /** The tenant's runs in the window by status (zeros when there are none). */
    TenantStats tenant(String tenantId, AnalyticsWindow window);

    /**
     * Checks a page size asked by a person (API or CLI {@code limit}).
     *
     * @throws dev.baton.core.error.BatonException INVALID_INPUT (field {@code limit}) when out of
     *                                             1..{@value #MAX_LIMIT}
     */
    static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw dev.baton.core.error.BatonException.invalidInput("limit", "must be between 1 and " + MAX_LIMIT
                    + ", got " + limit);
        }
        return limit;
    }

    /**
     * Checks the {@code limit} given to a listing of this interface: 1..{@value #MAX_FETCH}.
     *
     * @throws dev.baton.core.error.BatonException INVALID_INPUT (field {@code limit}) when out of range
     */
    static int checkFetch(int limit) {
        if (limit < 1 || limit > MAX_FETCH) {
            throw dev.baton.core.error.BatonException.invalidInput("limit", "must be between 1 and " + MAX_FETCH
                    + ", got " + limit);
        }
        return limit;
    }
}
