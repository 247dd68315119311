package dev.baton.bench.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What PostgreSQL counted for one database: committed and rolled-back transactions ({@code pg_stat_database}) and
 * the statements the nodes executed (role {@link BenchPostgres#ROLE} in {@code pg_stat_statements}, since its last
 * reset), with the most frequent ones.
 *
 * <p>{@code pg_stat_database} is fed by PostgreSQL 14's statistics collector: a backend reports at most every
 * 500 ms, so read it a second or two after the load stopped. {@code pg_stat_statements} is in shared memory and
 * exact at once. A statement of a JDBC batch counts once per execution although pgjdbc pipelines the batch in one
 * network round trip; {@code BEGIN} is sent together with the first statement of a transaction (no round trip of
 * its own) and shows up here, while pgjdbc's {@code COMMIT} (a simple query) did not in our runs: count round
 * trips with {@link WireCounter}, transactions with {@link #commits()}.
 *
 * @param commits    {@code xact_commit} (every auto-commit statement is a transaction of its own)
 * @param rollbacks  {@code xact_rollback}
 * @param statements calls of every statement of the nodes' role in this database but {@code BEGIN},
 *                   {@code COMMIT} and {@code ROLLBACK}
 * @param begins     calls of {@code BEGIN}: transactions of several statements (the others are single auto-commit
 *                   statements)
 * @param top        the most frequent statements of the nodes, most calls first
 */
record DatabaseCounters(long commits, long rollbacks, long statements, long begins, List<Statement> top) {

    /** One normalised statement ({@code $1} for parameters) and its calls. */
    record Statement(String query, long calls, long rows, double totalMillis) {
    }

    DatabaseCounters {
        top = List.copyOf(top);
    }

    /** Forgets the statement counts of every database (call before a measured phase). */
    static void resetStatements(Connection postgresDb) throws SQLException {
        try (PreparedStatement reset = postgresDb.prepareStatement("SELECT pg_stat_statements_reset()")) {
            reset.execute();
        }
    }

    /**
     * Reads the counters of {@code database} through a connection to the {@code postgres} database (so that
     * reading them adds nothing to {@code database}'s own counts).
     */
    static DatabaseCounters read(Connection postgresDb, String database, int topN) throws SQLException {
        long commits;
        long rollbacks;
        try (PreparedStatement query = postgresDb.prepareStatement(
                "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                commits = rows.getLong(1);
                rollbacks = rows.getLong(2);
            }
        }
        List<Statement> top = new ArrayList<>();
        long statements = 0;
        long begins = 0;
        try (PreparedStatement query = postgresDb.prepareStatement("""
                SELECT s.query, s.calls, s.rows, s.total_exec_time
                FROM pg_stat_statements s
                JOIN pg_database d ON d.oid = s.dbid
                JOIN pg_roles r ON r.oid = s.userid
                WHERE d.datname = ? AND r.rolname = ?
                ORDER BY s.calls DESC""")) {
            query.setString(1, database);
            query.setString(2, BenchPostgres.ROLE);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long calls = rows.getLong(2);
                    String text = rows.getString(1).strip().toUpperCase(java.util.Locale.ROOT);
                    if (text.equals("BEGIN")) {
                        begins += calls;
                    } else if (!text.equals("COMMIT") && !text.equals("ROLLBACK")) {
                        statements += calls;
                    }
                    if (top.size() < topN) {
                        top.add(new Statement(rows.getString(1), calls, rows.getLong(3), rows.getDouble(4)));
                    }
                }
            }
        }
        return new DatabaseCounters(commits, rollbacks, statements, begins, top);
    }

    /** The counters since {@code before} (statements are since the last reset either way). */
    DatabaseCounters since(DatabaseCounters before) {
        return new DatabaseCounters(commits - before.commits, rollbacks - before.rollbacks, statements, begins, top);
    }
}
