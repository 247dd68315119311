package dev.baton.gateway.usage;

/** What usage can be grouped and filtered by. The lower-case name is the API's {@code groupBy} value. */
public enum UsageDimension {
    RUN, WORKFLOW, PRINCIPAL, MODEL, DEPLOYMENT, PROVIDER
}
