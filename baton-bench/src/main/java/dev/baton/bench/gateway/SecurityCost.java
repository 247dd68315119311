package dev.baton.bench.gateway;

import dev.baton.bench.cluster.BenchPostgres;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What security costs on the request path of the REST API: three {@code baton server} processes side by side
 * ({@link BatonProcess}), one per {@link Mode}, on the embedded H2 store (default) or on one embedded PostgreSQL
 * ({@code --store postgresql}, a database per process):
 * <ul>
 *   <li>{@code off}: {@code security.auth.enabled: false} (the default; every request is the local admin);</li>
 *   <li>{@code key}: auth on, each request sends {@code Authorization: Bearer <stored API key>} (an admin key made
 *   with {@code baton keys create --local} before the server starts, {@link LocalAdminKey});</li>
 *   <li>{@code quota}: as {@code key}, plus {@code security.defaultQuotas.requestsPerMinute} high enough never to
 *   refuse, so every request also takes a token from the tenant's bucket.</li>
 * </ul>
 * Each process registers a one-step workflow ({@code transform}) and starts one run. Then, after a warm-up, each
 * round drives every process in turn, in an order that rotates from round to round, with {@code hey} at a fixed
 * rate: {@code GET /api/v1/runs/{id}} of that run ({@code --rate}, default 500 requests/s) and, unless
 * {@code --no-post}, {@code POST /api/v1/workflows/{id}/runs} ({@code --post-rate}, default 100 starts/s: each
 * starts and completes a run and writes its {@code run.start} audit entry; the audit trail records mutations with
 * auth off too, as the local admin). Reported per mode: the median over rounds of hey's p50 and p99, their
 * difference from {@code off}, and Baton's CPU per request from {@code /proc/<pid>/stat} (plus PostgreSQL's, all
 * its processes, on {@code --store postgresql}).
 *
 * <p>Usage: {@code SecurityCost [--jar baton-server/target/baton.jar] [--store h2|postgresql] [--rate 500]
 * [--workers 50] [--post-rate 100] [--post-workers 10] [--no-post] [--duration 15s] [--warmup 20s]
 * [--rounds 3]}.
 */
public final class SecurityCost {
    private static final String WORKFLOW = "bench-noop";
    private static final String API = "/api/v1";

    /** One server configuration under test. */
    private record Mode(String name, boolean auth, String security) {
    }

    private static final List<Mode> MODES = List.of(
            new Mode("off", false, ""),
            new Mode("key", true, "security:\n  auth: {enabled: true}\n"),
            new Mode("quota", true, "security:\n  auth: {enabled: true}\n"
                    + "  defaultQuotas: {requestsPerMinute: 6000000}\n"));

    /** One hey run of one mode: latencies ms, CPU ms per request of Baton and of PostgreSQL (or NaN). */
    private record Sample(double rate, double p50, double p99, double cpu, double dbCpu, long failed) {
    }

    /** A started server of one mode and what the load needs of it. */
    private record Node(Mode mode, BatonProcess baton, List<String> headers, URI read, URI start) {
    }

    private SecurityCost() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        String store = "h2";
        int rate = 500;
        int workers = 50;
        int postRate = 100;
        int postWorkers = 10;
        boolean post = true;
        Duration duration = Duration.ofSeconds(15);
        Duration warmup = Duration.ofSeconds(20);
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--store" -> store = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--post-rate" -> postRate = Integer.parseInt(args[++i]);
                case "--post-workers" -> postWorkers = Integer.parseInt(args[++i]);
                case "--no-post" -> post = false;
                case "--duration" -> duration = GatewayOverhead.seconds(args[++i]);
                case "--warmup" -> warmup = GatewayOverhead.seconds(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (!store.equals("h2") && !store.equals("postgresql")) {
            throw new IllegalArgumentException("--store must be h2 or postgresql, got " + store);
        }
        if (rate % workers != 0 || postRate % postWorkers != 0) {
            throw new IllegalArgumentException("each rate must be a multiple of its workers (hey limits each worker)");
        }
        Path hey = LoadTools.require("hey").getFirst();
        System.out.println(Machine.describe());
        BenchPostgres postgres = store.equals("postgresql") ? BenchPostgres.start("on") : null;
        Map<String, Node> nodes = new LinkedHashMap<>();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            if (postgres != null) {
                System.out.println(postgres.describe());
            }
            for (Mode mode : MODES) {
                nodes.put(mode.name(), start(jar, mode, postgres, http));
            }
            Path startBody = Files.writeString(nodes.get("off").baton().directory().resolve("start.json"), "{}");
            Load get = new Load(hey, null, workers, rate / workers, postgres);
            Load start = new Load(hey, startBody, postWorkers, postRate / postWorkers, postgres);
            System.out.printf(Locale.ROOT, "%nwarm-up: %d s of GET at %d requests/s per server%s%n",
                    warmup.toSeconds(), rate, post ? ", then " + warmup.toSeconds() / 2 + " s of POST at "
                    + postRate + " starts/s" : "");
            for (Node node : nodes.values()) {
                get.run(node, node.read(), warmup);
                if (post) {
                    start.run(node, node.start(), warmup.dividedBy(2));
                }
            }
            Map<String, List<Sample>> reads = new LinkedHashMap<>();
            Map<String, List<Sample>> starts = new LinkedHashMap<>();
            System.out.println("\nread: " + String.join(" ", Hey.quoted(Hey.command(Path.of("hey"),
                    URI.create("http://127.0.0.1:PORT" + API + "/runs/RUN"), null,
                    List.of("Authorization: Bearer $KEY"), workers, rate / workers, duration))));
            if (post) {
                System.out.println("start: " + String.join(" ", Hey.quoted(Hey.command(Path.of("hey"),
                        URI.create("http://127.0.0.1:PORT" + API + "/workflows/" + WORKFLOW + "/runs"),
                        Path.of("start.json"), List.of("Authorization: Bearer $KEY"), postWorkers,
                        postRate / postWorkers, duration))));
            }
            System.out.println("(no Authorization header for mode off)");
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < MODES.size(); k++) {
                    Node node = nodes.get(MODES.get((round + k) % MODES.size()).name());
                    reads.computeIfAbsent(node.mode().name(), m -> new ArrayList<>())
                            .add(get.report("round " + (round + 1) + " GET ", node, node.read(), duration));
                    if (post) {
                        starts.computeIfAbsent(node.mode().name(), m -> new ArrayList<>())
                                .add(start.report("round " + (round + 1) + " POST", node, node.start(), duration));
                    }
                }
            }
            for (Node node : nodes.values()) {
                System.out.println(node.mode().name() + " at the end: " + node.baton().status().format()
                        + "; newest audit entry: " + newestAudit(http, node));
            }
            summary("GET " + API + "/runs/{id} at " + rate + " requests/s", reads, rounds);
            if (post) {
                summary("POST " + API + "/workflows/{id}/runs at " + postRate + " starts/s", starts, rounds);
            }
        } finally {
            for (Node node : nodes.values()) {
                node.baton().close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static Node start(Path jar, Mode mode, BenchPostgres postgres, HttpClient http) throws Exception {
        String yaml = "ai:\n  enabled: false\n" + mode.security();
        if (postgres != null) {
            yaml += """
                    store:
                      type: postgresql
                      url: "%s"
                      user: %s
                      password: %s
                    """.formatted(postgres.createDatabase("security_" + mode.name()), BenchPostgres.ROLE,
                    BenchPostgres.ROLE);
        }
        String[] key = new String[1];
        BatonProcess baton = BatonProcess.start(jar, yaml, List.of(), config -> {
            if (mode.auth()) {
                key[0] = LocalAdminKey.create(jar, config);
            }
        });
        List<String> headers = mode.auth() ? List.of("Authorization: Bearer " + key[0]) : List.of();
        send(http, baton, "POST", API + "/workflows", "application/yaml", """
                id: %s
                description: one no-op step (benchmark)
                steps:
                  a:
                    uses: transform
                    with: {value: 1}
                """.formatted(WORKFLOW), headers, 201);
        HttpResponse<String> started = send(http, baton, "POST", API + "/workflows/" + WORKFLOW + "/runs",
                "application/json", "{}", headers, 202);
        String location = started.headers().firstValue("Location").orElseThrow();
        send(http, baton, "GET", location, null, null, headers, 200);
        System.out.printf(Locale.ROOT, "%-5s pid %d at %s, %s; reads %s%n", mode.name(), baton.pid(), baton.url(),
                mode.security().isEmpty() ? "auth off" : mode.security().replace('\n', ' ').trim()
                        + (mode.auth() ? " (admin key from baton keys create --local)" : ""), location);
        return new Node(mode, baton, headers, baton.url().resolve(location),
                baton.url().resolve(API + "/workflows/" + WORKFLOW + "/runs"));
    }

    private static HttpResponse<String> send(HttpClient http, BatonProcess baton, String method, String path,
                                             String type, String body, List<String> headers, int expected)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(baton.url().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.header(header.substring(0, colon), header.substring(colon + 1).strip());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode()
                    + " (expected " + expected + "): " + response.body());
        }
        return response;
    }

    private static String newestAudit(HttpClient http, Node node) throws Exception {
        String body = send(http, node.baton(), "GET", API + "/audit?limit=1", null, null, node.headers(), 200).body();
        return body.length() > 400 ? body.substring(0, 400) + "..." : body;
    }

    /** hey at a fixed rate against one node, with Baton's (and PostgreSQL's) CPU over the run. */
    private record Load(Path hey, Path body, int workers, int ratePerWorker, BenchPostgres postgres) {
        Sample run(Node node, URI url, Duration duration) throws Exception {
            long cpu = ProcessStatus.cpuMillis(node.baton().pid());
            long dbCpu = postgres == null ? 0 : postgres.cpuMillis();
            Hey.Result r = Hey.run(Hey.command(hey, url, body, node.headers(), workers, ratePerWorker, duration));
            cpu = ProcessStatus.cpuMillis(node.baton().pid()) - cpu;
            dbCpu = postgres == null ? 0 : postgres.cpuMillis() - dbCpu;
            long ok = r.statuses().entrySet().stream().filter(e -> e.getKey() / 100 == 2)
                    .mapToLong(Map.Entry::getValue).sum();
            long answered = Math.max(1, ok);
            return new Sample(r.rate(), r.p50(), r.p99(), (double) cpu / answered,
                    postgres == null ? Double.NaN : (double) dbCpu / answered, r.responses() + r.errors() - ok);
        }

        Sample report(String label, Node node, URI url, Duration duration) throws Exception {
            Sample s = run(node, url, duration);
            System.out.printf(Locale.ROOT, "%s %-5s %6.1f req/s  p50 %6.2f ms  p99 %6.2f ms  baton CPU %.3f ms/req%s"
                    + "  not 2xx %d | %s%n", label, node.mode().name(), s.rate(), s.p50(), s.p99(), s.cpu(),
                    Double.isNaN(s.dbCpu()) ? "" : String.format(Locale.ROOT, "  postgres CPU %.3f ms/req", s.dbCpu()),
                    s.failed(), Machine.load());
            return s;
        }
    }

    private static void summary(String title, Map<String, List<Sample>> samples, int rounds) {
        List<Sample> base = samples.get("off");
        double p50 = median(base, Sample::p50);
        double p99 = median(base, Sample::p99);
        double cpu = median(base, Sample::cpu);
        System.out.printf(Locale.ROOT, "%n%s, median of %d rounds (hey resolution 0.1 ms):%n", title, rounds);
        System.out.println("  mode    rate      p50 ms   p99 ms   added p50  added p99  baton CPU ms/req (vs off)"
                + "  postgres CPU ms/req  not 2xx");
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            List<Sample> s = entry.getValue();
            double db = median(s, Sample::dbCpu);
            System.out.printf(Locale.ROOT, "  %-6s %7.1f  %7.2f  %7.2f  %+9.2f  %+9.2f  %.3f (%+.3f)  %s  %d%n",
                    entry.getKey(), median(s, Sample::rate), median(s, Sample::p50), median(s, Sample::p99),
                    median(s, Sample::p50) - p50, median(s, Sample::p99) - p99, median(s, Sample::cpu),
                    median(s, Sample::cpu) - cpu, Double.isNaN(db) ? "-" : String.format(Locale.ROOT, "%.3f", db),
                    s.stream().mapToLong(Sample::failed).sum());
        }
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        return GatewayOverhead.median(samples.stream().mapToDouble(field).toArray());
    }
}
