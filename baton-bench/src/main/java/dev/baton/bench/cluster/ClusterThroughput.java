package dev.baton.bench.cluster;

import dev.baton.bench.gateway.Machine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput, CPU (nodes and database), dispatch latency and database round trips of the 3-step no-op chain
 * ({@link Workflows#chain}) with 1, 2 and 3 Baton node processes on one PostgreSQL, all on this machine.
 *
 * <p>Per configuration (a number of nodes), in rounds whose order rotates so that a drifting machine favours none:
 * a fresh database, fresh nodes ({@link NodeProcess}), {@code --warmup} unrecorded runs per node (another workflow
 * id, so the JIT has settled), then {@code --runs} measured runs driven by {@link LoadDriver} through every node's API in
 * turn: closed loop with {@code --in-flight} start-and-wait requests, or paced at {@code --rate} runs/s.
 * Measured over the phase: runs/s, the CPU of every node and of the PostgreSQL server ({@code /proc}), latencies
 * from the store ({@link StoreTimings}), transactions ({@code pg_stat_database}) and statements
 * ({@code pg_stat_statements}) of the nodes ({@link DatabaseCounters}).
 *
 * <p>{@code --mode handoff} (2 nodes or more) measures dispatch through {@code LISTEN/NOTIFY}: node 1 runs with
 * {@code engine.maxRunningRuns = --blockers} and first gets that many runs of a 1-hour {@code sleep}, so every
 * slot is taken; then all measured runs are started (asynchronously, paced) on node 1, which cannot run them:
 * they are picked up by the other nodes. The report shows which node ran them (the run's lease owner).
 *
 * <p>Usage: {@code ClusterThroughput [--jar baton-server/target/baton.jar] [--nodes 1,2,3] [--rounds 1]
 * [--runs 3000] [--warmup 1000] [--in-flight 64] [--rate 0] [--mode spread|handoff] [--blockers 4]
 * [--pool-size 8] [--synchronous-commit on|off] [--cluster "  leaseTtl: 15s"]... [--no-cluster-section]
 * [--count-round-trips] [--java-opt OPT]...}. {@code --count-round-trips} puts a {@link WireCounter} between the
 * nodes and PostgreSQL and reports the exact round trips per step (it costs latency and harness CPU: take
 * throughput and latency from runs without it). {@code --cluster} adds a line to every node's {@code cluster:} section (which always
 * holds {@code nodeId: bench-n<i>}); {@code --no-cluster-section} writes none (a build without cluster
 * settings: the nodes then do not coordinate).
 */
public final class ClusterThroughput {
    private ClusterThroughput() {
    }

    /** The harness's options. */
    record Options(Path jar, List<Integer> nodes, int rounds, int runs, int warmup, int inFlight, double rate,
                   String mode, int blockers, int poolSize, String synchronousCommit, String cluster,
                   boolean countRoundTrips, List<String> javaOptions) {
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        System.out.println(Machine.describe());
        System.out.printf(Locale.ROOT, "options: nodes=%s rounds=%d runs=%d warmup=%d %s mode=%s%s poolSize=%d "
                        + "jar=%s java=%s%n", options.nodes(), options.rounds(), options.runs(), options.warmup(),
                options.rate() > 0 ? "rate=" + options.rate() + "/s" : "closed-loop in-flight=" + options.inFlight(),
                options.mode(), options.mode().equals("handoff") ? " blockers=" + options.blockers() : "",
                options.poolSize(), options.jar(), options.javaOptions());
        System.out.println("cluster section: " + (options.cluster() == null ? "(none)"
                : "nodeId: bench-n<i>" + options.cluster().replace("\n", "; ")));
        Map<Integer, List<PhaseFigures>> byNodes = new LinkedHashMap<>();
        try (BenchPostgres postgres = BenchPostgres.start(options.synchronousCommit());
             Connection postgresDb = postgres.admin("postgres");
             WireCounter wire = options.countRoundTrips() ? new WireCounter(postgres.port()) : null) {
            System.out.println("database: " + postgres.describe());
            if (wire != null) {
                System.out.println("nodes reach it through the round-trip counter on port " + wire.port());
            }
            for (int round = 1; round <= options.rounds(); round++) {
                List<Integer> order = new ArrayList<>(options.nodes());
                java.util.Collections.rotate(order, -(round - 1));
                for (int nodes : order) {
                    PhaseFigures figures = measure(options, postgres, postgresDb, wire, round, nodes);
                    byNodes.computeIfAbsent(nodes, n -> new ArrayList<>()).add(figures);
                }
            }
        }
        System.out.println();
        System.out.println("median of " + options.rounds() + " round(s) by runs/s; " + Machine.load());
        System.out.println(PhaseFigures.header());
        byNodes.keySet().stream().sorted().forEach(n -> System.out.println(PhaseFigures.median(byNodes.get(n)).row()));
    }

    private static PhaseFigures measure(Options options, BenchPostgres postgres, Connection postgresDb,
                                        WireCounter wire, int round, int nodes) throws Exception {
        boolean handoff = options.mode().equals("handoff");
        String database = "bench_r" + round + "_n" + nodes + "_" + options.mode();
        String url = postgres.createDatabase(database);
        if (wire != null) {
            url = "jdbc:postgresql://127.0.0.1:" + wire.port() + "/" + database;
        }
        List<NodeProcess.Settings> settings = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            int maxRunning = handoff && i == 1 ? options.blockers() : 10_000;
            settings.add(new NodeProcess.Settings("bench-n" + i, url, options.poolSize(), maxRunning,
                    options.cluster()));
        }
        System.out.printf(Locale.ROOT, "%nround %d, %d node(s), %s, database %s; %s%n", round, nodes, options.mode(),
                database, Machine.load());
        try (ClusterNodes cluster = ClusterNodes.start(options.jar(), settings, options.javaOptions());
             Connection db = postgres.admin(database)) {
            List<RunClient> clients = cluster.clients();
            clients.getFirst().register(Workflows.chain("chain-warmup"));
            clients.getFirst().register(Workflows.chain("chain"));
            if (options.warmup() > 0) {
                // per node: every node's JIT gets the same number of runs, whatever the number of nodes
                LoadDriver.Result warm = LoadDriver.drive(clients, "chain-warmup", options.warmup() * nodes,
                        options.inFlight(), 0);
                System.out.printf(Locale.ROOT, "  warm-up: %d runs in %.2f s (%d failed)%n", warm.started(),
                        warm.seconds(), warm.failed());
            }
            if (handoff) {
                fillSlots(clients.getFirst(), db, options.blockers());
            }
            Thread.sleep(1_000);
            IdleCost idle = IdleCost.measure(postgres, postgresDb, database, cluster, wire, 3_000);
            System.out.println("  " + idle.format());
            DatabaseCounters.resetStatements(postgresDb);
            DatabaseCounters before = DatabaseCounters.read(postgresDb, database, 0);
            long[] nodeCpu = cluster.cpuMillis();
            long dbCpu = postgres.cpuMillis();
            WireCounter.Counts wireBefore = wire == null ? null : wire.counts();
            long phaseStart = System.nanoTime();
            List<RunClient> targets = handoff ? List.of(clients.getFirst()) : clients;
            double rate = handoff && options.rate() == 0 ? 20 : options.rate();
            LoadDriver.Result result = LoadDriver.drive(targets, "chain", options.runs(), options.inFlight(), rate);
            long polls = awaitFinished(db, "chain", Duration.ofMinutes(10));
            long[] nodeCpuAfter = cluster.cpuMillis();
            long dbCpuAfter = postgres.cpuMillis();
            WireCounter.Counts wireCounts = wire == null ? null : wire.counts().minus(wireBefore);
            double phaseSeconds = (System.nanoTime() - phaseStart) / 1e9;
            Thread.sleep(1_500); // PostgreSQL 14's statistics collector reports every 500 ms
            DatabaseCounters counters = DatabaseCounters.read(postgresDb, database, 12).since(before);
            StoreTimings timings = StoreTimings.read(db, "chain");
            for (int i = 0; i < nodeCpu.length; i++) {
                nodeCpu[i] = nodeCpuAfter[i] - nodeCpu[i];
            }
            System.out.printf(Locale.ROOT, "  driver: %d runs accepted in %.2f s, %d failed, %d start-and-wait "
                            + "answered unfinished%s; %s%n", result.started(), result.seconds(), result.failed(),
                    result.waitsTimedOut(), result.errors().isEmpty() ? "" : ", e.g. " + result.errors(),
                    Machine.load());
            double runsPerSecond = rate > 0 ? timings.storeRunsPerSecond() : result.started() / result.seconds();
            PhaseFigures figures = new PhaseFigures(nodes, options.mode(), options.runs(), runsPerSecond, nodeCpu,
                    dbCpuAfter - dbCpu, timings, counters, polls, wireCounts, idle, phaseSeconds);
            System.out.print(figures.format());
            return figures;
        }
    }

    /**
     * Starts runs of a 1-hour sleep on node 1 (which has {@code blockers} slots), one at a time, until node 1 holds
     * {@code blockers} of them (a start may be claimed by another node when node 1's slots are briefly taken).
     */
    private static void fillSlots(RunClient node1, Connection db, int blockers) throws Exception {
        node1.register(Workflows.sleeper("blocker", "1h"));
        if (!StoreTimings.hasLeases(db)) {
            throw new IllegalStateException("--mode handoff needs run leases (a build with cluster mode)");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int started = 0;
        while (true) {
            int running = 0;
            int held = 0;
            try (PreparedStatement query = db.prepareStatement("SELECT count(*), "
                    + "count(*) FILTER (WHERE lease_owner = 'bench-n1') FROM runs WHERE workflow_id = 'blocker' "
                    + "AND status = 'running'");
                 ResultSet rows = query.executeQuery()) {
                rows.next();
                running = rows.getInt(1);
                held = rows.getInt(2);
            }
            if (held >= blockers) {
                System.out.printf(Locale.ROOT, "  node 1's %d slots taken by sleeping runs (%d started, %d of them "
                        + "run by other nodes)%n", blockers, started, running - held);
                return;
            }
            if (System.nanoTime() > deadline || started >= blockers * 10) {
                throw new IllegalStateException("node 1 holds " + held + " of " + blockers + " sleeping runs after "
                        + started + " starts; its other unfinished runs in the store: " + ownedBy(db, "bench-n1")
                        + "; its /health engine: " + node1.health());
            }
            if (running == started) {
                node1.start("blocker", Duration.ZERO);
                started++;
            }
            Thread.sleep(50);
        }
    }

    private static String ownedBy(Connection db, String node) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT workflow_id || '/' || status, count(*) FROM runs "
                + "WHERE lease_owner = ? AND status IN ('queued', 'running') GROUP BY 1")) {
            query.setString(1, node);
            StringBuilder out = new StringBuilder("{");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.append(out.length() > 1 ? ", " : "").append(rows.getString(1)).append('=')
                            .append(rows.getLong(2));
                }
            }
            return out.append('}').toString();
        }
    }

    /** Polls the store until no run of {@code workflow} is queued or running; the number of queries made. */
    static long awaitFinished(Connection db, String workflow, Duration timeout) throws SQLException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long polls = 0;
        try (PreparedStatement query = db.prepareStatement(
                "SELECT count(*) FROM runs WHERE status IN ('queued', 'running') AND workflow_id = ?")) {
            query.setString(1, workflow);
            while (true) {
                polls++;
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) == 0) {
                        return polls;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(rows.getLong(1) + " runs of " + workflow
                                + " still unfinished after " + timeout);
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    private static Options parse(String[] args) {
        Path jar = Path.of("baton-server/target/baton.jar");
        List<Integer> nodes = List.of(1, 2, 3);
        int rounds = 1;
        int runs = 3_000;
        int warmup = 1_000;
        int inFlight = 64;
        double rate = 0;
        String mode = "spread";
        int blockers = 4;
        int poolSize = 8;
        String synchronousCommit = "on";
        StringBuilder cluster = new StringBuilder();
        boolean clusterSection = true;
        boolean countRoundTrips = false;
        List<String> javaOptions = new ArrayList<>(List.of("-Xmx1g"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--nodes" -> nodes = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--blockers" -> blockers = Integer.parseInt(args[++i]);
                case "--pool-size" -> poolSize = Integer.parseInt(args[++i]);
                case "--synchronous-commit" -> synchronousCommit = args[++i];
                case "--cluster" -> cluster.append("  ").append(args[++i].strip()).append('\n');
                case "--no-cluster-section" -> clusterSection = false;
                case "--count-round-trips" -> countRoundTrips = true;
                case "--java-opt" -> javaOptions.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (!mode.equals("spread") && !mode.equals("handoff")) {
            throw new IllegalArgumentException("--mode must be spread or handoff, got " + mode);
        }
        if (mode.equals("handoff") && nodes.stream().anyMatch(n -> n < 2)) {
            throw new IllegalArgumentException("--mode handoff needs 2 nodes or more, got --nodes " + nodes);
        }
        return new Options(jar, nodes, rounds, runs, warmup, inFlight, rate, mode, blockers, poolSize,
                synchronousCommit, clusterSection ? cluster.toString() : null, countRoundTrips,
                List.copyOf(javaOptions));
    }
}
