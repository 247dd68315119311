package dev.baton.bench.cluster;

import java.sql.Connection;
import java.util.Arrays;
import java.util.Locale;

/**
 * What an idle cluster costs per second (heartbeats, claim polls, the harness's own statistics reads): measured
 * over a few seconds with no run in flight, so that the figures of a phase at a low rate can be read net of it.
 *
 * @param seconds         the window
 * @param commitsPerSecond   transactions of the database per second ({@code pg_stat_database})
 * @param statementsPerSecond statements of the nodes per second ({@code pg_stat_statements})
 * @param roundTripsPerSecond round trips per second ({@link WireCounter}), NaN without it
 * @param nodeCpuMillisPerSecond CPU of all nodes, ms per second
 * @param dbCpuMillisPerSecond   CPU of PostgreSQL, ms per second
 */
record IdleCost(double seconds, double commitsPerSecond, double statementsPerSecond, double roundTripsPerSecond,
                double nodeCpuMillisPerSecond, double dbCpuMillisPerSecond) {

    /** Measures for {@code millis} ms; resets {@code pg_stat_statements} first. */
    static IdleCost measure(BenchPostgres postgres, Connection postgresDb, String database, ClusterNodes cluster,
                            WireCounter wire, long millis) throws Exception {
        DatabaseCounters.resetStatements(postgresDb);
        DatabaseCounters before = DatabaseCounters.read(postgresDb, database, 0);
        long nodeCpu = Arrays.stream(cluster.cpuMillis()).sum();
        long dbCpu = postgres.cpuMillis();
        WireCounter.Counts wireBefore = wire == null ? null : wire.counts();
        long start = System.nanoTime();
        Thread.sleep(millis);
        double seconds = (System.nanoTime() - start) / 1e9;
        long nodeCpuAfter = Arrays.stream(cluster.cpuMillis()).sum();
        long dbCpuAfter = postgres.cpuMillis();
        WireCounter.Counts wireAfter = wire == null ? null : wire.counts();
        DatabaseCounters after = DatabaseCounters.read(postgresDb, database, 0).since(before);
        return new IdleCost(seconds, after.commits() / seconds, after.statements() / seconds,
                wire == null ? Double.NaN : wireAfter.minus(wireBefore).roundTrips() / seconds,
                (nodeCpuAfter - nodeCpu) / seconds, (dbCpuAfter - dbCpu) / seconds);
    }

    String format() {
        return String.format(Locale.ROOT, "idle cluster over %.1f s: %.1f transactions/s, %.1f statements/s, %s round "
                        + "trips/s; CPU nodes %.1f ms/s, PostgreSQL %.1f ms/s", seconds, commitsPerSecond,
                statementsPerSecond, Double.isNaN(roundTripsPerSecond) ? "?" : String.format(Locale.ROOT, "%.1f",
                        roundTripsPerSecond), nodeCpuMillisPerSecond, dbCpuMillisPerSecond);
    }
}
