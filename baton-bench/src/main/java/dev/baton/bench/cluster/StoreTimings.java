package dev.baton.bench.cluster;

import dev.baton.bench.engine.Percentiles;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dispatch latency and throughput of the runs of one workflow, read back from the store after the load (the rows
 * the nodes wrote: {@code runs} and {@code step_attempts}), for the chain {@code a → b → c}:
 * <ul>
 *   <li>{@code created→run started}: the run's {@code created_at} (when the node accepted the start) to its
 *   {@code started_at} (when a node activated it: after the claim).</li>
 *   <li>{@code created→a started}: to the first step's attempt start: what a user waits before the first step
 *   runs.</li>
 *   <li>{@code a finished→b started}, {@code b finished→c started}: dispatch between steps inside a run.</li>
 *   <li>{@code run duration}: {@code created_at} to {@code finished_at}.</li>
 * </ul>
 * The timestamps come from the nodes' clocks; all nodes run on this machine, so they share one clock. Also counts
 * runs by status and, when the schema has run leases, by the node holding the run's (last) lease.
 *
 * @param runs      runs of the workflow
 * @param byStatus  runs per status
 * @param byOwner   runs per {@code lease_owner} ({@code (none)} for runs never leased); empty without leases
 * @param firstCreated earliest {@code created_at}
 * @param lastFinished latest {@code finished_at}
 */
record StoreTimings(int runs, Map<String, Integer> byStatus, Map<String, Integer> byOwner, Percentiles runStarted,
                    Percentiles firstStep, Percentiles aToB, Percentiles bToC, Percentiles duration,
                    Instant firstCreated, Instant lastFinished) {

    /** Reads the runs of {@code workflow} through a connection to the benchmark database. */
    static StoreTimings read(Connection db, String workflow) throws SQLException {
        boolean leases = hasLeases(db);
        String sql = """
                SELECT r.run_no, r.status, r.created_at, r.started_at, r.finished_at, %s,
                       a.step_id, a.started_at, a.finished_at
                FROM runs r LEFT JOIN step_attempts a ON a.run_no = r.run_no AND a.attempt = 1
                WHERE r.workflow_id = ?
                ORDER BY r.run_no""".formatted(leases ? "r.lease_owner" : "NULL");
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> byOwner = new TreeMap<>();
        Samples runStarted = new Samples();
        Samples firstStep = new Samples();
        Samples aToB = new Samples();
        Samples bToC = new Samples();
        Samples duration = new Samples();
        Instant firstCreated = null;
        Instant lastFinished = null;
        int runs = 0;
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, workflow);
            query.setFetchSize(5_000);
            db.setAutoCommit(false); // pgjdbc streams with a fetch size only inside a transaction
            try (ResultSet rows = query.executeQuery()) {
                long current = -1;
                Instant created = null;
                Map<String, Instant[]> steps = new TreeMap<>();
                while (true) {
                    boolean more = rows.next();
                    long runNo = more ? rows.getLong(1) : -2;
                    if (runNo != current && current != -1) {
                        Instant[] a = steps.get("a");
                        Instant[] b = steps.get("b");
                        Instant[] c = steps.get("c");
                        if (a != null) {
                            firstStep.add(created, a[0]);
                        }
                        if (a != null && b != null) {
                            aToB.add(a[1], b[0]);
                        }
                        if (b != null && c != null) {
                            bToC.add(b[1], c[0]);
                        }
                        steps.clear();
                    }
                    if (!more) {
                        break;
                    }
                    if (runNo != current) {
                        current = runNo;
                        runs++;
                        created = instant(rows, 3);
                        Instant started = instant(rows, 4);
                        Instant finished = instant(rows, 5);
                        byStatus.merge(rows.getString(2), 1, Integer::sum);
                        if (leases) {
                            String owner = rows.getString(6);
                            byOwner.merge(owner == null ? "(none)" : owner, 1, Integer::sum);
                        }
                        runStarted.add(created, started);
                        duration.add(created, finished);
                        firstCreated = firstCreated == null || created.isBefore(firstCreated) ? created : firstCreated;
                        if (finished != null && (lastFinished == null || finished.isAfter(lastFinished))) {
                            lastFinished = finished;
                        }
                    }
                    String step = rows.getString(7);
                    if (step != null) {
                        steps.put(step, new Instant[] {instant(rows, 8), instant(rows, 9)});
                    }
                }
            } finally {
                db.commit();
                db.setAutoCommit(true);
            }
        }
        return new StoreTimings(runs, byStatus, byOwner, runStarted.percentiles(), firstStep.percentiles(),
                aToB.percentiles(), bToC.percentiles(), duration.percentiles(), firstCreated, lastFinished);
    }

    /** Whether the schema has run leases ({@code runs.lease_owner}, Flyway V4). */
    static boolean hasLeases(Connection db) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT 1 FROM information_schema.columns "
                + "WHERE table_name = 'runs' AND column_name = 'lease_owner'");
             ResultSet rows = query.executeQuery()) {
            return rows.next();
        }
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Runs per second from the first creation to the last finish, as the store saw them. */
    double storeRunsPerSecond() {
        if (firstCreated == null || lastFinished == null) {
            return Double.NaN;
        }
        return runs / (Duration.between(firstCreated, lastFinished).toNanos() / 1e9);
    }

    /** The report's lines, each starting with {@code indent}. */
    String format(String indent) {
        return String.format(Locale.ROOT, """
                        %sstore: %d runs %s%s; first created -> last finished %.0f runs/s
                        %screated->run started: %s
                        %screated->a started:   %s
                        %sa finished->b started: %s
                        %sb finished->c started: %s
                        %srun duration:          %s""",
                indent, runs, byStatus, byOwner.isEmpty() ? "" : ", by lease owner " + byOwner,
                storeRunsPerSecond(), indent, runStarted.format(), indent, firstStep.format(), indent,
                aToB.format(), indent, bToC.format(), indent, duration.format());
    }

    /** Durations in µs between pairs of instants; pairs with a missing end are skipped. */
    private static final class Samples {
        private long[] values = new long[1024];
        private int size;

        void add(Instant from, Instant to) {
            if (from == null || to == null) {
                return;
            }
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = Math.max(0, Duration.between(from, to).toNanos() / 1_000);
        }

        Percentiles percentiles() {
            return Percentiles.ofMicros(java.util.Arrays.copyOf(values, size));
        }
    }
}
