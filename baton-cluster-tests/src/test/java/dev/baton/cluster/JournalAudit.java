package dev.baton.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads every run of one workflow, its journal ({@code run_events}) and its attempts ({@code step_attempts})
 * straight from PostgreSQL, and lists every violation of what a correct engine guarantees:
 * <ul>
 *   <li>the run succeeded;</li>
 *   <li>events are numbered 1, 2, 3, … without gap or repeat;</li>
 *   <li>exactly one {@code run_started}, before any attempt; exactly one {@code run_finished}, the last event,
 *       saying {@code succeeded};</li>
 *   <li>per step: attempts numbered 1..n, each started once and finished at most once (after its start); attempt
 *       k+1 starts only after attempt k finished; no attempt left open; exactly one finished {@code succeeded},
 *       and it is the last;</li>
 *   <li>the {@code step_attempts} rows agree: one {@code succeeded} row per step, none still {@code running}.</li>
 * </ul>
 * Also counts, per run, the attempts of each step, and the attempts that failed as {@code interrupted} (cut by a
 * node's death and retried elsewhere).
 */
final class JournalAudit {
    /** What was found: violations (empty when all holds) and counts. */
    record Result(int runs, Map<String, String> statuses, List<String> violations, Map<String, Integer> attempts,
                  int interrupted, int events) {
        /** Attempts of {@code stepId} in run {@code runId} (0 when none). */
        int attemptsOf(String runId, String stepId) {
            return attempts.getOrDefault(runId + "/" + stepId, 0);
        }
    }

    private JournalAudit() {
    }

    /** Audits every top-level run of {@code workflowId} whose steps are {@code steps}. */
    static Result audit(Connection connection, String workflowId, Set<String> steps) throws SQLException {
        Map<String, String> statuses = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, status FROM runs WHERE workflow_id = ? AND parent_run_id IS NULL ORDER BY run_no")) {
            statement.setString(1, workflowId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statuses.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        List<String> violations = new ArrayList<>();
        statuses.forEach((id, status) -> {
            if (!status.equals("succeeded")) {
                violations.add(id + ": status " + status);
            }
        });
        Map<String, List<Event>> journals = new HashMap<>();
        int events = 0;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT r.id, e.seq, e.type, e.payload::text FROM runs r JOIN run_events e ON e.run_no = r.run_no"
                + " WHERE r.workflow_id = ? AND r.parent_run_id IS NULL ORDER BY r.run_no, e.seq")) {
            statement.setString(1, workflowId);
            statement.setFetchSize(5000);
            connection.setAutoCommit(false); // a cursor, not the whole result in memory at once
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    JsonNode payload = parse(rows.getString(4));
                    journals.computeIfAbsent(rows.getString(1), k -> new ArrayList<>()).add(new Event(rows.getLong(2),
                            rows.getString(3), payload.path("stepId").asText(null), payload.path("attempt").asInt(0),
                            payload.path("status").asText(null)));
                    events++;
                }
            } finally {
                connection.commit();
                connection.setAutoCommit(true);
            }
        }
        Map<String, Integer> attempts = new HashMap<>();
        int interrupted = 0;
        for (String runId : statuses.keySet()) {
            checkJournal(runId, journals.getOrDefault(runId, List.of()), steps, violations);
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT r.id, a.step_id, a.attempt, a.status, a.error_code FROM runs r JOIN step_attempts a"
                + " ON a.run_no = r.run_no WHERE r.workflow_id = ? AND r.parent_run_id IS NULL")) {
            statement.setString(1, workflowId);
            Map<String, Integer> succeeded = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String key = rows.getString(1) + "/" + rows.getString(2);
                    attempts.merge(key, 1, Integer::sum);
                    switch (rows.getString(4)) {
                        case "succeeded" -> succeeded.merge(key, 1, Integer::sum);
                        case "running" -> violations.add(key + ": attempt " + rows.getInt(3)
                                + " still running in step_attempts");
                        default -> { }
                    }
                    if ("interrupted".equals(rows.getString(5))) {
                        interrupted++;
                    }
                }
            }
            for (String runId : statuses.keySet()) {
                for (String step : steps) {
                    int count = succeeded.getOrDefault(runId + "/" + step, 0);
                    if (count != 1) {
                        violations.add(runId + "/" + step + ": " + count + " succeeded attempts in step_attempts");
                    }
                }
            }
        }
        return new Result(statuses.size(), statuses, violations, attempts, interrupted, events);
    }

    private record Event(long seq, String type, String stepId, int attempt, String status) {
    }

    private static void checkJournal(String runId, List<Event> journal, Set<String> steps, List<String> violations) {
        if (journal.isEmpty()) {
            violations.add(runId + ": empty journal");
            return;
        }
        int started = 0;
        int finished = 0;
        // per step: attempt -> [start index, finish index] (-1 when absent)
        Map<String, TreeMap<Integer, long[]>> byStep = new HashMap<>();
        Map<String, Integer> succeeded = new HashMap<>();
        for (int i = 0; i < journal.size(); i++) {
            Event event = journal.get(i);
            if (event.seq() != i + 1) {
                violations.add(runId + ": event " + (i + 1) + " has sequence number " + event.seq());
            }
            switch (event.type()) {
                case "run_started" -> {
                    started++;
                    if (!byStep.isEmpty()) {
                        violations.add(runId + ": run_started at seq " + event.seq() + " after an attempt");
                    }
                }
                case "run_finished" -> {
                    finished++;
                    if (i != journal.size() - 1) {
                        violations.add(runId + ": run_finished at seq " + event.seq() + " is not the last event");
                    }
                    if (!"succeeded".equals(event.status())) {
                        violations.add(runId + ": run_finished says " + event.status());
                    }
                }
                case "attempt_started" -> {
                    long[] span = byStep.computeIfAbsent(event.stepId(), k -> new TreeMap<>())
                            .computeIfAbsent(event.attempt(), k -> new long[] {-1, -1});
                    if (span[0] >= 0) {
                        violations.add(runId + "/" + event.stepId() + ": attempt " + event.attempt()
                                + " started twice (seq " + span[0] + " and " + event.seq() + ")");
                    }
                    span[0] = event.seq();
                }
                case "attempt_finished" -> {
                    long[] span = byStep.computeIfAbsent(event.stepId(), k -> new TreeMap<>())
                            .computeIfAbsent(event.attempt(), k -> new long[] {-1, -1});
                    if (span[1] >= 0) {
                        violations.add(runId + "/" + event.stepId() + ": attempt " + event.attempt()
                                + " finished twice (seq " + span[1] + " and " + event.seq() + ")");
                    }
                    if (span[0] < 0) {
                        violations.add(runId + "/" + event.stepId() + ": attempt " + event.attempt()
                                + " finished at seq " + event.seq() + " without a start");
                    }
                    span[1] = event.seq();
                    if ("succeeded".equals(event.status())) {
                        succeeded.merge(event.stepId(), 1, Integer::sum);
                    }
                }
                case "cancel_requested" -> violations.add(runId + ": unexpected cancel_requested");
                default -> violations.add(runId + ": unknown event type " + event.type());
            }
        }
        if (started != 1) {
            violations.add(runId + ": " + started + " run_started events");
        }
        if (finished != 1) {
            violations.add(runId + ": " + finished + " run_finished events");
        }
        for (String step : steps) {
            TreeMap<Integer, long[]> spans = byStep.get(step);
            if (succeeded.getOrDefault(step, 0) != 1) {
                violations.add(runId + "/" + step + ": " + succeeded.getOrDefault(step, 0)
                        + " succeeded attempts in the journal");
            }
            if (spans == null) {
                continue;
            }
            int expected = 1;
            long previousFinish = 0;
            for (Map.Entry<Integer, long[]> entry : spans.entrySet()) {
                long[] span = entry.getValue();
                if (entry.getKey() != expected) {
                    violations.add(runId + "/" + step + ": attempt " + entry.getKey() + " follows attempt "
                            + (expected - 1));
                }
                expected = entry.getKey() + 1;
                if (span[1] < 0) {
                    violations.add(runId + "/" + step + ": attempt " + entry.getKey() + " never finished");
                } else if (span[0] >= 0 && span[1] < span[0]) {
                    violations.add(runId + "/" + step + ": attempt " + entry.getKey() + " finished before it started");
                }
                if (span[0] >= 0 && span[0] < previousFinish) {
                    violations.add(runId + "/" + step + ": attempt " + entry.getKey() + " started at seq " + span[0]
                            + " before the previous attempt finished (seq " + previousFinish + ")");
                }
                previousFinish = span[1] < 0 ? Long.MAX_VALUE : span[1];
            }
            if (!spans.isEmpty()) {
                long lastFinish = spans.lastEntry().getValue()[1];
                for (Event event : journal) {
                    if (event.type().equals("attempt_finished") && step.equals(event.stepId())
                            && "succeeded".equals(event.status()) && event.seq() != lastFinish) {
                        violations.add(runId + "/" + step + ": the succeeded attempt " + event.attempt()
                                + " is not the last attempt");
                    }
                }
            }
        }
        for (String step : byStep.keySet()) {
            if (!steps.contains(step)) {
                violations.add(runId + ": attempt of unknown step " + step);
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return ApiCall.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
