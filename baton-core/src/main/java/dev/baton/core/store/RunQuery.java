package dev.baton.core.store;

import dev.baton.core.run.RunStatus;

import java.time.Instant;

/**
 * Filter and page of a run listing. Every filter is optional ({@code null}).
 *
 * @param workflowId    only runs of this workflow
 * @param status        only runs in this status
 * @param createdAfter  only runs created at or after this instant
 * @param createdBefore only runs created before this instant
 * @param cursor        opaque cursor from a previous {@link Page#nextCursor()}, or {@code null} for the first page
 * @param limit         page size, 1..1000
 */
public record RunQuery(String workflowId, RunStatus status, Instant createdAfter, Instant createdBefore,
                       String cursor, int limit) {
    public RunQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, got " + limit);
        }
    }

    public static RunQuery firstPage(int limit) {
        return new RunQuery(null, null, null, null, null, limit);
    }
}
