package dev.baton.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.testing.Fault;
import dev.baton.gateway.testing.FakeOpenAiServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Success rate and circuit breakers with failing deployments: one alias over three deployments, each its own
 * {@code FakeOpenAiServer} (in this JVM): {@code healthy}; {@code dead}, which answers every request with 500;
 * {@code flaky}, which answers a random 30% (seeded) with 500. A closed-loop client ({@link ClosedLoop}, in this
 * JVM) sends {@code --requests} non-streaming chat completions ({@code Cache-Control: no-cache}) through
 * {@code baton server} (a child process) at {@code --concurrency}; meanwhile {@link BreakerWatch} polls the
 * admin route {@code GET /api/v1/gateway/deployments/{id}} of {@code dead} and {@code flaky} for breaker changes.
 *
 * <p>Settings, written into the generated baton.yaml so the output shows them (all equal to the documented
 * defaults, docs/configuration.md): strategy round-robin; retry {@code maxAttempts 3} (per alias, first
 * included), {@code initialDelay 100ms}, {@code maxDelay 5s}, {@code multiplier 2} (full jitter), failing over to
 * another deployment on each retry; breaker per deployment count-based, {@code windowSize 20},
 * {@code minimumCalls 10}, {@code failureRateThreshold 50}, {@code openDuration 30s}, {@code halfOpenCalls 3}.
 *
 * <p>Targets: ≥ 99.9% of client requests succeed; the dead deployment's breaker opens within its window (at most
 * {@code windowSize} calls). Exits 1 when a target is missed.
 *
 * <p>Usage: {@code GatewayFailover [--jar baton-server/target/baton.jar] [--requests 10000] [--concurrency 16]
 * [--flaky-rate 0.3] [--seed 42] [--dead-fault 500|reset] [--poll-ms 5] [--flaky-failure-threshold 50]
 * [--java-opt OPT]...}. With the default threshold the 30% deployment's breaker usually opens by chance within a
 * few hundred calls (a window of 20 with ≥ 10 failures); {@code --flaky-failure-threshold 100} keeps it closed, so
 * its failures are retried for the whole run.
 */
public final class GatewayFailover {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WINDOW = 20;

    private GatewayFailover() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        int requests = 10_000;
        int concurrency = 16;
        double flakyRate = 0.3;
        long seed = 42;
        String deadFault = "500";
        long pollMillis = 5;
        int flakyThreshold = 50;
        List<String> javaOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--flaky-rate" -> flakyRate = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--dead-fault" -> deadFault = args[++i];
                case "--poll-ms" -> pollMillis = Long.parseLong(args[++i]);
                case "--flaky-failure-threshold" -> flakyThreshold = Integer.parseInt(args[++i]);
                case "--java-opt" -> javaOptions.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        System.out.println(Machine.describe());
        try (FakeOpenAiServer healthy = new FakeOpenAiServer();
             FakeOpenAiServer dead = new FakeOpenAiServer();
             FakeOpenAiServer flaky = new FakeOpenAiServer()) {
            for (FakeOpenAiServer fake : List.of(healthy, dead, flaky)) {
                fake.maxRecorded(0);
            }
            dead.always(switch (deadFault) {
                case "500" -> Fault.status(500);
                case "reset" -> Fault.reset();
                default -> throw new IllegalArgumentException("--dead-fault must be 500 or reset");
            });
            flaky.failRandomly(flakyRate, seed, Fault.status(500));
            String breaker = breaker(50);
            GatewayYaml yaml = new GatewayYaml(GatewayOverhead.ALIAS, "round-robin", List.of(
                    new GatewayYaml.Upstream("healthy", healthy.baseUrl(), GatewayOverhead.ALIAS, breaker),
                    new GatewayYaml.Upstream("dead", dead.baseUrl(), GatewayOverhead.ALIAS, breaker),
                    new GatewayYaml.Upstream("flaky", flaky.baseUrl(), GatewayOverhead.ALIAS, breaker(flakyThreshold))),
                    true, false, "  retry: {maxAttempts: 3, initialDelay: 100ms, maxDelay: 5s, multiplier: 2}\n");
            try (BatonProcess baton = BatonProcess.start(jar, yaml.render(), javaOptions)) {
                System.out.println("baton: " + baton.commandLine());
                System.out.println("baton.yaml:\n" + yaml.render().indent(2).stripTrailing());
                System.out.printf(Locale.ROOT, "upstreams (FakeOpenAiServer in the harness JVM): healthy %s, dead %s "
                                + "(every request: %s), flaky %s (%.0f%% random 500s, seed %d)%n", healthy.baseUrl(),
                        dead.baseUrl(), deadFault.equals("500") ? "500" : "TCP reset", flaky.baseUrl(),
                        flakyRate * 100, seed);
                String body = ChatBodies.whole(GatewayOverhead.ALIAS, 8);
                ClosedLoop client = new ClosedLoop();
                System.out.printf(Locale.ROOT, "%n%d requests, %d concurrent, through %s/v1/chat/completions; %s%n",
                        requests, concurrency, baton.url(), Machine.load());
                ClosedLoop.Outcome outcome;
                BreakerWatch watch = new BreakerWatch(baton, List.of("dead", "flaky"), pollMillis, client::done);
                try (watch) {
                    watch.start();
                    outcome = client.run(baton.url().resolve("/v1/chat/completions"), body, "You said:", requests,
                            concurrency);
                }
                System.out.printf(Locale.ROOT, "finished in %.2f s (%.0f requests/s); %s%n", outcome.seconds(),
                        outcome.requests() / outcome.seconds(), Machine.load());
                report(baton, outcome, watch, healthy, dead, flaky);
            }
        }
    }

    private static String breaker(int failureRateThreshold) {
        return "breaker: {windowSize: " + WINDOW + ", minimumCalls: 10, failureRateThreshold: " + failureRateThreshold
                + ", openDuration: 30s, halfOpenCalls: 3}";
    }

    private static void report(BatonProcess baton, ClosedLoop.Outcome outcome, BreakerWatch watch,
                               FakeOpenAiServer healthy, FakeOpenAiServer dead, FakeOpenAiServer flaky)
            throws Exception {
        double rate = 100.0 * outcome.succeeded() / outcome.requests();
        System.out.printf(Locale.ROOT, "client: %d of %d succeeded = %.3f%% (target >= 99.9%%: %s); statuses %s%n",
                outcome.succeeded(), outcome.requests(), rate, rate >= 99.9 ? "MET" : "MISSED", outcome.statuses());
        outcome.samples().forEach(s -> System.out.println("  failure: " + s.lines().findFirst().orElse("")));
        System.out.println("client latency (send -> whole answer): " + outcome.latency().format());
        System.out.printf(Locale.ROOT, "upstream requests received: healthy %d, dead %d, flaky %d%n",
                healthy.requestCount(), dead.requestCount(), flaky.requestCount());
        System.out.println("\nbreaker changes seen by polling every few ms (" + watch.polls() + " polls):");
        watch.transitions().forEach(t -> System.out.println("  " + t.format()));
        for (String id : List.of("healthy", "dead", "flaky")) {
            JsonNode s = JSON.readTree(baton.get("/api/v1/gateway/deployments/" + id));
            System.out.printf(Locale.ROOT, "deployment %-8s breaker %-9s health %-9s calls %6d failures %6d "
                            + "uptime %.1f%% (last %d checks)%n", id, s.path("breaker").asText(),
                    s.path("health").asText(), s.path("requests").asLong(), s.path("failures").asLong(),
                    s.path("uptimePercent").asDouble(), s.path("recentChecks").size());
        }
        Thread.sleep(500); // usage records reach the store in batches at least every 200 ms
        System.out.println("usage by deployment (GET /api/v1/usage?groupBy=deployment): "
                + baton.get("/api/v1/usage?groupBy=deployment"));
        BreakerWatch.Transition opened = watch.firstOpen("dead");
        boolean breakerMet = opened != null && opened.requests() <= WINDOW;
        if (opened == null) {
            System.out.println("dead deployment: its breaker was never seen leaving closed (MISSED)");
        } else {
            System.out.printf(Locale.ROOT, "dead deployment: breaker %s after %d calls (%d failed), %.0f ms after the "
                            + "first request (target: within its window of %d calls: %s)%n", opened.to(),
                    opened.requests(), opened.failures(), opened.atMillis(), WINDOW, breakerMet ? "MET" : "MISSED");
        }
        System.out.println("baton: " + baton.status().format() + "; " + baton.heap().format());
        if (rate < 99.9 || !breakerMet) {
            System.exit(1);
        }
    }
}
