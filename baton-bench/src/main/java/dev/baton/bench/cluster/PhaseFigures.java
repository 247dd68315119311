package dev.baton.bench.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one measured phase of {@link ClusterThroughput}, for its report and the summary table.
 *
 * @param nodes          node processes
 * @param mode           {@code spread} or {@code handoff}
 * @param runs           runs measured
 * @param runsPerSecond  runs / wall time (closed loop: first start to last answer; paced: first creation to last
 *                       finish, from the store)
 * @param nodeCpuMillis  CPU of every node over the phase, ms
 * @param dbCpuMillis    CPU of the PostgreSQL server over the phase, ms
 * @param timings        latencies from the store
 * @param counters       transactions and statements of the phase's database
 * @param observerStatements statements the harness itself ran on the phase's database while measuring (polls),
 *                       subtracted from the transactions
 * @param wire           protocol messages of the nodes counted by {@link WireCounter}, or {@code null} without it
 * @param idle           the idle cluster's cost per second, measured just before the phase
 * @param seconds        the phase's length (first start to the last run's completion)
 */
record PhaseFigures(int nodes, String mode, int runs, double runsPerSecond, long[] nodeCpuMillis, long dbCpuMillis,
                    StoreTimings timings, DatabaseCounters counters, long observerStatements,
                    WireCounter.Counts wire, IdleCost idle, double seconds) {

    static final int STEPS_PER_RUN = 3;

    long nodesCpuMillis() {
        return Arrays.stream(nodeCpuMillis).sum();
    }

    double transactionsPerStep() {
        return (counters.commits() - observerStatements) / (double) (runs * STEPS_PER_RUN);
    }

    /** Round trips per step counted on the wire, or NaN without the counter. */
    double roundTripsPerStep() {
        return wire == null ? Double.NaN : wire.roundTrips() / (double) (runs * STEPS_PER_RUN);
    }

    double statementsPerStep() {
        return counters.statements() / (double) (runs * STEPS_PER_RUN);
    }

    /** The phase's report lines. */
    String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "  throughput: %.0f runs/s = %.0f steps/s%n", runsPerSecond,
                runsPerSecond * STEPS_PER_RUN));
        out.append(String.format(Locale.ROOT, "  CPU: nodes %s ms = %.0f ms (%.3f ms/run), PostgreSQL %d ms "
                        + "(%.3f ms/run), together %.3f ms/run = %.0f runs per CPU-second%n",
                Arrays.toString(nodeCpuMillis), (double) nodesCpuMillis(), nodesCpuMillis() / (double) runs,
                dbCpuMillis, dbCpuMillis / (double) runs, (nodesCpuMillis() + dbCpuMillis) / (double) runs,
                runs * 1000.0 / (nodesCpuMillis() + dbCpuMillis)));
        out.append(timings.format("  ")).append('\n');
        out.append(String.format(Locale.ROOT, "  database: %d transactions committed (%d rolled back; %d of the "
                        + "harness's polls taken off; %d of them BEGIN...COMMIT), %d statements of the nodes "
                        + "(BEGIN/COMMIT not counted) => per step %.2f transactions, %.2f statements; per run "
                        + "%.2f / %.2f%n",
                counters.commits() - observerStatements, counters.rollbacks(), observerStatements,
                counters.begins(), counters.statements(), transactionsPerStep(), statementsPerStep(),
                transactionsPerStep() * STEPS_PER_RUN, statementsPerStep() * STEPS_PER_RUN));
        if (wire != null) {
            out.append(String.format(Locale.ROOT, "  wire: %d round trips (client turns; %d Syncs, %d simple Queries), "
                            + "%d Executes => per step %.2f round trips, %.2f Executes; per run %.2f / %.2f%n",
                    wire.roundTrips(), wire.syncs(), wire.simpleQueries(), wire.executes(), roundTripsPerStep(),
                    wire.executes() / (double) (runs * STEPS_PER_RUN), roundTripsPerStep() * STEPS_PER_RUN,
                    wire.executes() / (double) runs));
        }
        double steps = runs * STEPS_PER_RUN;
        out.append(String.format(Locale.ROOT, "  net of the idle cluster's %.1f s x the idle rate: per step %.2f "
                        + "transactions, %.2f statements, %s round trips; CPU %.3f ms/run (nodes %.3f, PostgreSQL "
                        + "%.3f)%n", seconds,
                transactionsPerStep() - idle.commitsPerSecond() * seconds / steps,
                statementsPerStep() - idle.statementsPerSecond() * seconds / steps,
                wire == null ? "?" : String.format(Locale.ROOT, "%.2f",
                        roundTripsPerStep() - idle.roundTripsPerSecond() * seconds / steps),
                (nodesCpuMillis() + dbCpuMillis - (idle.nodeCpuMillisPerSecond() + idle.dbCpuMillisPerSecond())
                        * seconds) / runs,
                (nodesCpuMillis() - idle.nodeCpuMillisPerSecond() * seconds) / runs,
                (dbCpuMillis - idle.dbCpuMillisPerSecond() * seconds) / runs));
        out.append("  most frequent statements (calls per run, rows per call, ms per call):\n");
        for (DatabaseCounters.Statement statement : counters.top()) {
            out.append(String.format(Locale.ROOT, "    %7.3f  %6.1f  %6.3f  %s%n", statement.calls() / (double) runs,
                    statement.calls() == 0 ? 0.0 : statement.rows() / (double) statement.calls(),
                    statement.calls() == 0 ? 0.0 : statement.totalMillis() / statement.calls(),
                    shorten(statement.query())));
        }
        return out.toString();
    }

    private static String shorten(String query) {
        String line = query.replaceAll("\\s+", " ").strip();
        return line.length() > 150 ? line.substring(0, 147) + "..." : line;
    }

    /** Header of {@link #row()}. */
    static String header() {
        return "| nodes | mode | runs/s | steps/s | node CPU ms/run | DB CPU ms/run | created→a started p50 / p99 ms "
                + "| a→b p50 / p99 ms | transactions/step | statements/step | round trips/step |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
    }

    /** One Markdown table row. */
    String row() {
        return String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.3f | %.3f | %.1f / %.1f | %.1f / %.1f "
                        + "| %.2f | %.2f | %s |",
                nodes, mode, runsPerSecond, runsPerSecond * STEPS_PER_RUN, nodesCpuMillis() / (double) runs,
                dbCpuMillis / (double) runs, timings.firstStep().p50(), timings.firstStep().p99(),
                timings.aToB().p50(), timings.aToB().p99(), transactionsPerStep(), statementsPerStep(),
                wire == null ? "–" : String.format(Locale.ROOT, "%.2f", roundTripsPerStep()));
    }

    /** The phase of {@code phases} with the median runs/s (the lower middle one for an even count). */
    static PhaseFigures median(List<PhaseFigures> phases) {
        List<PhaseFigures> sorted = phases.stream()
                .sorted(java.util.Comparator.comparingDouble(PhaseFigures::runsPerSecond)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
