package dev.baton.bench.gateway;

import dev.baton.bench.observability.OtlpSink;
import dev.baton.gateway.testing.FakeOpenAiServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The overhead Baton's gateway adds to a zero-latency upstream, and its maximum request rate, measured from the
 * outside by {@code hey} and {@code wrk} against the upstream directly and through Baton.
 *
 * <p>Set-up: a {@code FakeOpenAiServer} (baton-gateway test-jar; answers at once, in this harness JVM, recording
 * off) and {@code baton server} as a child process ({@link BatonProcess}) with one alias {@code bench-chat} over one
 * OpenAI-compatible deployment pointing at the fake; the cache is enabled as shipped but every request sends
 * {@code Cache-Control: no-cache}, so each one goes upstream; accounting (usage records in the embedded H2 store),
 * breaker, retries and timeouts are the defaults. Both the direct and the Baton URL get the same bytes: a
 * non-streaming chat completion {@code {"model":"bench-chat","messages":[{"role":"user","content":"<words>"}]}}.
 *
 * <ol>
 *   <li><b>Fixed rate</b>: {@code hey -c W -q R/W -z D} (default 50 workers × 20 = 1,000 requests/s for 20 s), after
 *   a warm-up at the same rate, {@code --rounds} times alternating direct and Baton; the added latency is the
 *   median over rounds of Baton's percentile minus the direct one's. Target: p50 < 1 ms, p99 < 5 ms. Then, for
 *   comparison, the same rate of {@code GET /api/v1/health/live} on Baton (the HTTP server alone: no upstream
 *   call, no JSON parsing) and of the chat request without {@code Cache-Control} (answered from Baton's response
 *   cache after the first: the gateway stack without the upstream call).</li>
 *   <li><b>Maximum rate</b> (skip with {@code --no-max}): {@code wrk -t T -c C -d D} closed loop, non-streaming and
 *   streaming ({@code "stream": true} with usage), direct and through Baton.</li>
 * </ol>
 * Every figure is printed with the machine's load and the CPU Baton used per request (all processes share the
 * cores: the load generator, this JVM with the fake, and Baton).
 *
 * <p>Usage: {@code GatewayOverhead [--jar baton-server/target/baton.jar] [--rate 1000] [--workers 50]
 * [--duration 20s] [--warmup 30s] [--rounds 3] [--words 8] [--no-max] [--wrk-threads 2] [--wrk-connections 50]
 * [--wrk-duration 15s] [--paced-connections 100] [--stream-words 16] [--java-opt OPT]... [--ai] [--jfr FILE]
 * [--observability default|off|metrics|tracing]}. {@code --observability} sets the node's metrics and tracing
 * ({@link #observabilitySection}); running it once per mode measures what they cost.
 * {@code --jfr} records Baton with JFR's profiling settings and prints where its CPU went ({@link JfrProfile}).
 */
public final class GatewayOverhead {
    static final String ALIAS = "bench-chat";
    private static final String HEALTH = "/api/v1/health/live";

    private GatewayOverhead() {
    }

    /**
     * The {@code observability:} section for {@code --observability}: {@code default} (none: the product's
     * defaults, metrics and host monitoring on, tracing off), {@code off} (metrics, host monitoring and alerts
     * off), {@code metrics} (metrics on, the rest off), {@code tracing} (metrics on and tracing at 100% sampling to
     * the harness's local OTLP receiver).
     */
    static String observabilitySection(String mode, OtlpSink sink) {
        String quiet = "  system: {enabled: false}\n  alerts: {enabled: false}\n";
        return switch (mode) {
            case "default" -> "";
            case "off" -> "observability:\n  metrics: {enabled: false}\n" + quiet;
            case "metrics" -> "observability:\n  metrics: {enabled: true}\n" + quiet;
            case "tracing" -> "observability:\n  metrics: {enabled: true}\n" + quiet
                    + "  tracing: {enabled: true, sampleRatio: 1.0, endpoint: \"" + sink.tracesEndpoint() + "\"}\n";
            default -> throw new IllegalArgumentException(
                    "--observability must be default, off, metrics or tracing, got " + mode);
        };
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        int rate = 1000;
        int workers = 50;
        Duration duration = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(30);
        int rounds = 3;
        int pacedConnections = 100;
        int words = 8;
        boolean max = true;
        int wrkThreads = 2;
        int wrkConnections = 50;
        Duration wrkDuration = Duration.ofSeconds(15);
        int streamWords = 16;
        boolean ai = false;
        Path jfr = null;
        String observability = "default";
        List<String> javaOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--duration" -> duration = seconds(args[++i]);
                case "--warmup" -> warmup = seconds(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--words" -> words = Integer.parseInt(args[++i]);
                case "--no-max" -> max = false;
                case "--wrk-threads" -> wrkThreads = Integer.parseInt(args[++i]);
                case "--wrk-connections" -> wrkConnections = Integer.parseInt(args[++i]);
                case "--paced-connections" -> pacedConnections = Integer.parseInt(args[++i]);
                case "--wrk-duration" -> wrkDuration = seconds(args[++i]);
                case "--stream-words" -> streamWords = Integer.parseInt(args[++i]);
                case "--java-opt" -> javaOptions.add(args[++i]);
                case "--ai" -> ai = true;
                case "--jfr" -> jfr = Path.of(args[++i]).toAbsolutePath();
                case "--observability" -> observability = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (rate % workers != 0) {
            throw new IllegalArgumentException("--rate must be a multiple of --workers (hey limits each worker)");
        }
        if (jfr != null) {
            javaOptions.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        List<Path> tools = LoadTools.require("hey", "wrk");
        Path hey = tools.get(0);
        Path wrk = tools.get(1);
        System.out.println(Machine.describe());
        try (FakeOpenAiServer upstream = new FakeOpenAiServer(); OtlpSink sink = OtlpSink.start()) {
            upstream.maxRecorded(0);
            GatewayYaml yaml = new GatewayYaml(ALIAS, "round-robin",
                    List.of(new GatewayYaml.Upstream("fake", upstream.baseUrl(), ALIAS, "")), true, ai, "");
            String config = yaml.render() + observabilitySection(observability, sink);
            try (BatonProcess baton = BatonProcess.start(jar, config, javaOptions)) {
                System.out.println("baton: " + baton.commandLine());
                System.out.println("baton.yaml:\n" + config.indent(2).stripTrailing());
                System.out.println("upstream: FakeOpenAiServer in the harness JVM (pid " + ProcessHandle.current().pid()
                        + ") at " + upstream.baseUrl() + "; baton pid " + baton.pid() + " at " + baton.url());
                URI direct = URI.create(upstream.baseUrl() + "/chat/completions");
                URI through = baton.url().resolve("/v1/chat/completions");
                String body = ChatBodies.whole(ALIAS, words);
                Path bodyFile = baton.directory().resolve("body.json");
                Files.writeString(bodyFile, body);
                ChatBodies.check(direct, body, "You said:");
                ChatBodies.check(through, body, "You said:");
                System.out.println("request body (" + body.length() + " bytes): " + body);

                FixedRate fixed = new FixedRate(hey, bodyFile, workers, rate / workers, baton);
                System.out.printf(Locale.ROOT, "%nwarm-up: %d s at %d requests/s, direct and through Baton%n",
                        warmup.toSeconds(), rate);
                fixed.run("warm-up direct", direct, warmup);
                fixed.run("warm-up baton", through, warmup);
                System.out.printf(Locale.ROOT, "%nfixed rate: %s%n", String.join(" ", Hey.quoted(List.of("hey", "-z",
                        duration.toSeconds() + "s", "-c", "" + workers, "-q", "" + rate / workers, "-m", "POST", "-T",
                        "application/json", "-H", "Cache-Control: no-cache", "-D", "body.json", "URL"))));
                List<Hey.Result> directRuns = new ArrayList<>();
                List<Hey.Result> batonRuns = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    directRuns.add(fixed.run("round " + r + " direct", direct, duration));
                    batonRuns.add(fixed.run("round " + r + " baton ", through, duration));
                }
                report(directRuns, batonRuns, rate);
                double meanDelay = pacedConnections * 1000.0 / rate;
                System.out.printf(Locale.ROOT, "%npoisson arrivals: wrk -t %d -c %d -d %ds --latency, each connection "
                        + "waiting an exponential random delay of mean %.1f ms before each request (~%d requests/s in "
                        + "all, independent arrivals; hey's workers tick in step and send bursts of %d)%n", wrkThreads,
                        pacedConnections, duration.toSeconds(), meanDelay, rate, workers);
                MaximumRate paced = new MaximumRate(wrk, wrkThreads, pacedConnections, duration, baton);
                List<Wrk.Result> pacedDirect = new ArrayList<>();
                List<Wrk.Result> pacedBaton = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    pacedDirect.add(paced.run("round " + r + " direct", direct, body, false, meanDelay));
                    pacedBaton.add(paced.run("round " + r + " baton ", through, body, false, meanDelay));
                }
                reportPaced(pacedDirect, pacedBaton);
                System.out.printf(Locale.ROOT, "%nfor comparison, a Baton route that calls no upstream and parses no "
                        + "JSON (hey GET, same rate):%n");
                fixed.run("baton GET " + HEALTH, baton.url().resolve(HEALTH), null, true, duration);
                System.out.printf(Locale.ROOT, "and the same chat request answered from Baton's response cache (no "
                        + "Cache-Control header: JSON parsing, metering and the cache, no upstream call):%n");
                fixed.run("baton cache hits", through, bodyFile, false, duration);
                if (max) {
                    MaximumRate maximum = new MaximumRate(wrk, wrkThreads, wrkConnections, wrkDuration, baton);
                    System.out.printf(Locale.ROOT, "%nmaximum rate: wrk -t %d -c %d -d %ds --latency -s <post.lua> URL"
                            + " (closed loop)%n", wrkThreads, wrkConnections, wrkDuration.toSeconds());
                    String stream = ChatBodies.stream(ALIAS, streamWords);
                    ChatBodies.check(through, stream, "[DONE]");
                    maximum.run("non-streaming direct", direct, body, false);
                    maximum.run("non-streaming baton ", through, body, false);
                    maximum.run("streaming direct    ", direct, stream, true);
                    maximum.run("streaming baton     ", through, stream, true);
                }
                System.out.println("\nbaton at the end: " + baton.status().format());
                System.out.println("baton " + baton.heap().format());
            }
        }
        if (jfr != null) {
            JfrProfile.print(jfr, 30);
        }
    }

    private static void report(List<Hey.Result> direct, List<Hey.Result> baton, int rate) {
        double directP50 = median(direct.stream().mapToDouble(Hey.Result::p50).toArray());
        double batonP50 = median(baton.stream().mapToDouble(Hey.Result::p50).toArray());
        double directP99 = median(direct.stream().mapToDouble(Hey.Result::p99).toArray());
        double batonP99 = median(baton.stream().mapToDouble(Hey.Result::p99).toArray());
        long failed = baton.stream().mapToLong(r -> r.responses() + r.errors() - r.ok()).sum()
                + direct.stream().mapToLong(r -> r.responses() + r.errors() - r.ok()).sum();
        System.out.printf(Locale.ROOT, "%nadded latency at %d requests/s (median of %d rounds; hey resolution "
                + "0.1 ms):%n", rate, baton.size());
        System.out.printf(Locale.ROOT, "  p50: direct %.3f ms, baton %.3f ms, added %.3f ms (target < 1 ms: %s)%n",
                directP50, batonP50, batonP50 - directP50, batonP50 - directP50 < 1 ? "MET" : "MISSED");
        System.out.printf(Locale.ROOT, "  p99: direct %.3f ms, baton %.3f ms, added %.3f ms (target < 5 ms: %s)%n",
                directP99, batonP99, batonP99 - directP99, batonP99 - directP99 < 5 ? "MET" : "MISSED");
        System.out.printf(Locale.ROOT, "  requests without a 200: %d%n", failed);
    }

    private static void reportPaced(List<Wrk.Result> direct, List<Wrk.Result> baton) {
        double directP50 = median(direct.stream().mapToDouble(Wrk.Result::p50).toArray());
        double batonP50 = median(baton.stream().mapToDouble(Wrk.Result::p50).toArray());
        double directP99 = median(direct.stream().mapToDouble(Wrk.Result::p99).toArray());
        double batonP99 = median(baton.stream().mapToDouble(Wrk.Result::p99).toArray());
        double rate = median(baton.stream().mapToDouble(Wrk.Result::rate).toArray());
        long failed = baton.stream().mapToLong(Wrk.Result::non2xx).sum()
                + direct.stream().mapToLong(Wrk.Result::non2xx).sum();
        System.out.printf(Locale.ROOT, "%nadded latency with poisson arrivals at %.0f requests/s through Baton "
                + "(median of %d rounds; wrk resolution 0.01 ms):%n", rate, baton.size());
        System.out.printf(Locale.ROOT, "  p50: direct %.3f ms, baton %.3f ms, added %.3f ms (target < 1 ms: %s)%n",
                directP50, batonP50, batonP50 - directP50, batonP50 - directP50 < 1 ? "MET" : "MISSED");
        System.out.printf(Locale.ROOT, "  p99: direct %.3f ms, baton %.3f ms, added %.3f ms (target < 5 ms: %s)%n",
                directP99, batonP99, batonP99 - directP99, batonP99 - directP99 < 5 ? "MET" : "MISSED");
        System.out.printf(Locale.ROOT, "  requests without a 2xx: %d%n", failed);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static Duration seconds(String text) {
        return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
    }

    /** hey at a fixed rate, with Baton's CPU per request over the run. */
    private record FixedRate(Path hey, Path body, int workers, int perWorker, BatonProcess baton) {
        Hey.Result run(String label, URI url, Duration duration) throws Exception {
            return run(label, url, body, true, duration);
        }

        /** As above; a GET when {@code body} is {@code null}, without {@code no-cache} unless {@code noCache}. */
        Hey.Result run(String label, URI url, Path body, boolean noCache, Duration duration) throws Exception {
            String load = Machine.load();
            long batonCpu = baton.status().cpuMillis();
            long selfCpu = Machine.selfCpuMillis();
            Hey.Result result = Hey.run(hey, url, body, noCache, workers, perWorker, duration);
            double batonMs = baton.status().cpuMillis() - batonCpu;
            double selfMs = Machine.selfCpuMillis() - selfCpu;
            long n = Math.max(1, result.responses());
            System.out.printf(Locale.ROOT, "%-16s %s  | CPU per request: baton %.3f ms, harness+fake %.3f ms | %s%n",
                    label, Hey.summary(result), batonMs / n, selfMs / n, load);
            return result;
        }
    }

    /** wrk closed loop, with Baton's CPU per request over the run. */
    private record MaximumRate(Path wrk, int threads, int connections, Duration duration, BatonProcess baton) {
        Wrk.Result run(String label, URI url, String body, boolean countStreams) throws Exception {
            return run(label, url, body, countStreams, 0);
        }

        Wrk.Result run(String label, URI url, String body, boolean countStreams, double meanDelayMs)
                throws Exception {
            String load = Machine.load();
            long batonCpu = baton.status().cpuMillis();
            long selfCpu = Machine.selfCpuMillis();
            Wrk.Result result = Wrk.run(wrk, url, body, countStreams, threads, connections, duration,
                    baton.directory(), meanDelayMs);
            double batonMs = baton.status().cpuMillis() - batonCpu;
            double selfMs = Machine.selfCpuMillis() - selfCpu;
            long n = Math.max(1, result.requests());
            System.out.printf(Locale.ROOT, "%s %s  | CPU: baton %.2f cores (%.3f ms/request), harness+fake %.2f cores"
                            + " | %s%n", label, Wrk.summary(result), batonMs / duration.toMillis(), batonMs / n,
                    selfMs / duration.toMillis(), load);
            return result;
        }
    }
}
