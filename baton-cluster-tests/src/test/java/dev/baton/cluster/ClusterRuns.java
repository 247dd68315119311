package dev.baton.cluster;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Queries on the runs table the cluster tests wait on and report from, straight on PostgreSQL. */
final class ClusterRuns {
    private ClusterRuns() {
    }

    /** Run count by status for top-level runs of {@code workflowId}. */
    static Map<String, Integer> byStatus(Connection connection, String workflowId) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT status, count(*) FROM runs"
                + " WHERE workflow_id = ? AND parent_run_id IS NULL GROUP BY status")) {
            statement.setString(1, workflowId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return counts;
    }

    /** Ids of the unfinished runs (queued or running) whose lease {@code nodeId} holds. */
    static Map<String, String> unfinishedOwnedBy(Connection connection, String nodeId) throws SQLException {
        Map<String, String> runs = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT id, status FROM runs"
                + " WHERE lease_owner = ? AND status IN ('queued', 'running') ORDER BY run_no")) {
            statement.setString(1, nodeId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    runs.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return runs;
    }

    /** Run id → "status owner" for the given runs. */
    static Map<String, String> ownership(Connection connection, Collection<String> runIds) throws SQLException {
        Map<String, String> owners = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, status, lease_owner FROM runs WHERE id = ANY (?)")) {
            Array ids = connection.createArrayOf("varchar", runIds.toArray());
            statement.setArray(1, ids);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    owners.put(rows.getString(1), rows.getString(2) + " " + rows.getString(3));
                }
            }
        }
        return owners;
    }

    /**
     * Waits until no top-level run of {@code workflowId} is queued or running, or {@code bound} passed; returns the
     * last counts.
     */
    static Map<String, Integer> awaitFinished(ClusterPostgres postgres, String workflowId, int expected,
                                              Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<String, Integer> counts = Map.of();
        while (System.nanoTime() < deadline) {
            try (Connection connection = postgres.connect()) {
                counts = byStatus(connection, workflowId);
                int total = counts.values().stream().mapToInt(Integer::intValue).sum();
                int unfinished = counts.getOrDefault("queued", 0) + counts.getOrDefault("running", 0);
                if (total >= expected && unfinished == 0) {
                    return counts;
                }
            } catch (SQLException e) {
                // PostgreSQL restarting: try again
            }
            Thread.sleep(250);
        }
        return counts;
    }
}
