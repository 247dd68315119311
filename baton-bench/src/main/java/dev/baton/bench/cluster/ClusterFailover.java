package dev.baton.bench.cluster;

import dev.baton.bench.engine.Percentiles;
import dev.baton.bench.gateway.Machine;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The time from a node's death to its runs resuming on the other nodes. Three node processes (or
 * {@code --nodes}) on one PostgreSQL ({@link BenchPostgres}) run a steady load ({@link SteadyLoad}) of about
 * {@code --in-flight} long-ish runs ({@link Workflows#longChain}: {@code --steps} sleeps of {@code --step}, i.e.
 * a new step attempt every {@code --step}), started through every node's API; after {@code --kill-after} the
 * harness {@code kill -9}s node 2. Its orphans are the runs still leased to it, unfinished, once it is dead.
 * Then, every 20 ms, the harness reads their lease owner from the store:
 * <ul>
 *   <li><b>kill → claimed</b>: until the run is leased to another node (the claim, after which that node resumes
 *   it from the journal); resolution 20 ms.</li>
 *   <li><b>kill → attempt started</b>: until the first step attempt started after the kill (the store's
 *   {@code step_attempts.started_at}, written by the new owner): the run is moving again.</li>
 * </ul>
 * The figure is the largest of each over the orphans ("the last of its runs resumes"), against the target
 * {@code leaseTtl + 2 s}. Afterwards the load stops, every run must finish, and the harness checks that no step
 * has two succeeded attempts. {@code --trials N} repeats it with a fresh database and nodes.
 *
 * <p>Usage: {@code ClusterFailover [--jar baton-server/target/baton.jar] [--nodes 3] [--trials 1]
 * [--in-flight 60] [--steps 20] [--step 500ms] [--kill-after 8s] [--lease-ttl 15s] [--heartbeat 5s]
 * [--poll-interval 1s] [--pool-size 8] [--synchronous-commit on|off] [--java-opt OPT]...}; lease settings default
 * to the product's (docs/configuration.md).
 */
public final class ClusterFailover {
    private static final String WORKFLOW = "long";

    private ClusterFailover() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        int nodes = 3;
        int trials = 1;
        int inFlight = 60;
        int steps = 20;
        String step = "500ms";
        Duration killAfter = Duration.ofSeconds(8);
        Duration leaseTtl = Duration.ofSeconds(15);
        Duration heartbeat = Duration.ofSeconds(5);
        Duration poll = Duration.ofSeconds(1);
        int poolSize = 8;
        String synchronousCommit = "on";
        List<String> javaOptions = new ArrayList<>(List.of("-Xmx1g"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--step" -> step = args[++i];
                case "--kill-after" -> killAfter = seconds(args[++i]);
                case "--lease-ttl" -> leaseTtl = seconds(args[++i]);
                case "--heartbeat" -> heartbeat = seconds(args[++i]);
                case "--poll-interval" -> poll = seconds(args[++i]);
                case "--pool-size" -> poolSize = Integer.parseInt(args[++i]);
                case "--synchronous-commit" -> synchronousCommit = args[++i];
                case "--java-opt" -> javaOptions.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (nodes < 2) {
            throw new IllegalArgumentException("--nodes must be at least 2, got " + nodes);
        }
        String cluster = "  leaseTtl: " + leaseTtl.toMillis() + "ms\n  heartbeatInterval: " + heartbeat.toMillis()
                + "ms\n  pollInterval: " + poll.toMillis() + "ms\n";
        System.out.println(Machine.describe());
        System.out.printf(Locale.ROOT, "options: nodes=%d trials=%d in-flight=%d workflow=%d x sleep %s "
                        + "kill-after=%s leaseTtl=%s heartbeatInterval=%s pollInterval=%s poolSize=%d%n", nodes,
                trials, inFlight, steps, step, killAfter, leaseTtl, heartbeat, poll, poolSize);
        Duration target = leaseTtl.plusSeconds(2);
        List<Long> worstClaims = new ArrayList<>();
        List<Long> worstAttempts = new ArrayList<>();
        try (BenchPostgres postgres = BenchPostgres.start(synchronousCommit)) {
            System.out.println("database: " + postgres.describe());
            for (int trial = 1; trial <= trials; trial++) {
                String database = "failover_" + trial;
                String url = postgres.createDatabase(database);
                List<NodeProcess.Settings> settings = new ArrayList<>();
                for (int i = 1; i <= nodes; i++) {
                    settings.add(new NodeProcess.Settings("bench-n" + i, url, poolSize, 10_000, cluster));
                }
                System.out.printf(Locale.ROOT, "%ntrial %d, database %s; %s%n", trial, database, Machine.load());
                try (ClusterNodes nodeSet = ClusterNodes.start(jar, settings, javaOptions);
                     Connection db = postgres.admin(database)) {
                    long[] worst = trial(nodeSet, db, Workflows.longChain(WORKFLOW, steps, step), inFlight,
                            killAfter, leaseTtl, target);
                    worstClaims.add(worst[0]);
                    worstAttempts.add(worst[1]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nall trials: kill -> last orphan claimed %s ms; kill -> last orphan's "
                        + "attempt started %s ms; target < leaseTtl + 2 s = %d ms%n", worstClaims, worstAttempts,
                target.toMillis());
    }

    /** One kill; returns {worst kill→claimed, worst kill→attempt} in ms. */
    private static long[] trial(ClusterNodes cluster, Connection db, String workflow, int inFlight,
                                Duration killAfter, Duration leaseTtl, Duration target) throws Exception {
        List<RunClient> clients = cluster.clients();
        clients.getFirst().register(workflow);
        NodeProcess victim = cluster.nodes().get(1);
        Map<String, Long> claimedMillis = new HashMap<>();
        Map<String, Long> attemptMillis;
        List<String> orphans;
        Instant killedAt;
        try (SteadyLoad load = new SteadyLoad(db, clients, WORKFLOW, inFlight)) {
            Thread.sleep(killAfter.toMillis());
            System.out.println("  before the kill: " + owners(db) + "; " + Machine.load());
            load.remove(clients.get(1));
            killedAt = Instant.now();
            victim.kill();
            long deadNanos = System.nanoTime();
            orphans = orphans(db, victim.nodeId());
            Instant[] expiry = expiries(db, orphans);
            System.out.printf(Locale.ROOT, "  killed %s (pid %d) at %s: %d orphaned runs (unfinished, leased to it); "
                            + "their leases expire %d..%d ms after the kill (the last renewal was %d ms before it)%n",
                    victim.nodeId(), victim.pid(), killedAt, orphans.size(),
                    Duration.between(killedAt, expiry[0]).toMillis(), Duration.between(killedAt, expiry[1]).toMillis(),
                    leaseTtl.minus(Duration.between(killedAt, expiry[1])).toMillis());
            long giveUp = deadNanos + leaseTtl.plusSeconds(60).toNanos();
            while (claimedMillis.size() < orphans.size() && System.nanoTime() < giveUp) {
                long now = System.nanoTime();
                for (Map.Entry<String, String> owner : leaseOwners(db, orphans).entrySet()) {
                    if (!victim.nodeId().equals(owner.getValue()) && !claimedMillis.containsKey(owner.getKey())) {
                        claimedMillis.put(owner.getKey(), Duration.between(killedAt, Instant.now()).toMillis());
                    }
                }
                Thread.sleep(Math.max(0, 20 - (System.nanoTime() - now) / 1_000_000));
            }
            attemptMillis = awaitAttempts(db, orphans, killedAt, giveUp);
            System.out.printf(Locale.ROOT, "  load: %d runs started, %d starts failed%s%n", load.started(),
                    load.failed(), load.failed() == 0 ? "" : " (last: " + load.lastError() + ")");
        }
        Percentiles claimed = percentiles(claimedMillis.values());
        Percentiles attempts = percentiles(attemptMillis.values());
        System.out.printf(Locale.ROOT, "  kill -> claimed by another node:   %s (%d of %d orphans)%n",
                claimed.format(), claimedMillis.size(), orphans.size());
        System.out.printf(Locale.ROOT, "  kill -> first attempt started:     %s (%d of %d orphans)%n",
                attempts.format(), attemptMillis.size(), orphans.size());
        boolean met = claimedMillis.size() == orphans.size() && claimed.max() < target.toMillis();
        System.out.printf(Locale.ROOT, "  last orphan claimed %.0f ms after the kill, moving again (attempt) after "
                        + "%.0f ms; target < leaseTtl %d ms + 2 s = %d ms: %s%n", claimed.max(), attempts.max(),
                leaseTtl.toMillis(), target.toMillis(), met ? "MET" : "MISSED");
        System.out.println("  after: " + owners(db) + "; waiting for every run to finish");
        ClusterThroughput.awaitFinished(db, WORKFLOW, Duration.ofMinutes(5));
        System.out.println("  finished: " + statuses(db) + "; steps with more than one succeeded attempt: "
                + duplicates(db) + "; attempts > 1 (re-run after the kill): " + retried(db));
        return new long[] {(long) claimed.max(), (long) attempts.max()};
    }

    private static Map<String, Long> awaitAttempts(Connection db, List<String> orphans, Instant killedAt,
                                                   long giveUpNanos) throws SQLException, InterruptedException {
        Map<String, Long> result = new HashMap<>();
        while (true) {
            try (PreparedStatement query = db.prepareStatement("SELECT run_id, min(started_at) FROM step_attempts "
                    + "WHERE run_id = ANY(?) AND started_at > ? GROUP BY run_id")) {
                query.setArray(1, db.createArrayOf("varchar", orphans.toArray()));
                query.setObject(2, OffsetDateTime.ofInstant(killedAt, ZoneOffset.UTC));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        Instant started = rows.getObject(2, OffsetDateTime.class).toInstant();
                        result.put(rows.getString(1), Duration.between(killedAt, started).toMillis());
                    }
                }
            }
            if (result.size() == orphans.size() || System.nanoTime() > giveUpNanos) {
                return result;
            }
            Thread.sleep(100);
        }
    }

    private static List<String> orphans(Connection db, String nodeId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("SELECT id FROM runs WHERE lease_owner = ? "
                + "AND status IN ('queued', 'running')")) {
            query.setString(1, nodeId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    /** The earliest and latest {@code lease_expires_at} of {@code ids} (database time). */
    private static Instant[] expiries(Connection db, List<String> ids) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT min(lease_expires_at), max(lease_expires_at) "
                + "FROM runs WHERE id = ANY(?)")) {
            query.setArray(1, db.createArrayOf("varchar", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                OffsetDateTime first = rows.getObject(1, OffsetDateTime.class);
                OffsetDateTime last = rows.getObject(2, OffsetDateTime.class);
                return first == null ? new Instant[] {Instant.EPOCH, Instant.EPOCH}
                        : new Instant[] {first.toInstant(), last.toInstant()};
            }
        }
    }

    private static Map<String, String> leaseOwners(Connection db, List<String> ids) throws SQLException {
        Map<String, String> owners = new HashMap<>();
        try (PreparedStatement query = db.prepareStatement("SELECT id, lease_owner FROM runs WHERE id = ANY(?)")) {
            Array array = db.createArrayOf("varchar", ids.toArray());
            query.setArray(1, array);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    owners.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return owners;
    }

    private static String owners(Connection db) throws SQLException {
        return group(db, "SELECT coalesce(lease_owner, '(none)') || '/' || status, count(*) FROM runs "
                + "WHERE status IN ('queued', 'running') GROUP BY 1 ORDER BY 1", "unfinished runs by owner/status ");
    }

    private static String statuses(Connection db) throws SQLException {
        return group(db, "SELECT status, count(*) FROM runs WHERE workflow_id = '" + WORKFLOW
                + "' GROUP BY 1 ORDER BY 1", "runs ");
    }

    private static long duplicates(Connection db) throws SQLException {
        return count(db, "SELECT count(*) FROM (SELECT run_no, step_id FROM step_attempts WHERE status = "
                + "'succeeded' GROUP BY run_no, step_id HAVING count(*) > 1) d");
    }

    private static long retried(Connection db) throws SQLException {
        return count(db, "SELECT count(*) FROM step_attempts WHERE attempt > 1");
    }

    private static String group(Connection db, String sql, String label) throws SQLException {
        Map<String, Long> groups = new java.util.TreeMap<>();
        try (PreparedStatement query = db.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                groups.put(rows.getString(1), rows.getLong(2));
            }
        }
        return label + groups;
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Percentiles percentiles(java.util.Collection<Long> millis) {
        return Percentiles.ofMicros(millis.stream().mapToLong(m -> m * 1_000).toArray());
    }

    private static Duration seconds(String text) {
        String t = text.strip();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        throw new IllegalArgumentException("a duration like 500ms or 15s, got " + text);
    }
}
