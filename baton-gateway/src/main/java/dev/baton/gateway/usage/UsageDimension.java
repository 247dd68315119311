package dev.baton.gateway.usage;

/**
 * What usage can be grouped and filtered by. The lower-case name is the API's {@code groupBy} value.
 * {@link #STEP} is the step id as recorded (a {@code map} item's calls carry {@code <stepId>[<index>]}); calls
 * outside a run have none and group under {@code ""}.
 */
public enum UsageDimension {
    RUN, WORKFLOW, PRINCIPAL, MODEL, DEPLOYMENT, PROVIDER, STEP,
    /** The tenant a call was made for (filter only in the API: a principal sees its own tenant's usage). */
    TENANT,
    /** The stored API key a call was made with (filter only: per-key budgets read their spending by it). */
    API_KEY
}
