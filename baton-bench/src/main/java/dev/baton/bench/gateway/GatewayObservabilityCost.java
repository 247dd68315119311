package dev.baton.bench.gateway;

import dev.baton.bench.observability.OtlpSink;
import dev.baton.gateway.testing.FakeOpenAiServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What metrics and tracing cost the gateway: three {@code baton server} processes side by side, one per
 * {@code --observability} mode of {@link GatewayOverhead#observabilitySection} ({@code off}: metrics, host
 * monitoring and alerts off; {@code metrics}: metrics on; {@code tracing}: metrics on and every call traced at 100%
 * sampling to a local {@link OtlpSink}), all over one {@code FakeOpenAiServer}. Each round drives every process
 * in turn, in an order that rotates from round to round, with {@code wrk -t2 -c50} (closed loop, non-streaming,
 * {@code Cache-Control: no-cache}) for {@code --duration}; the idle processes cost nothing meanwhile. Reported:
 * the median rate of the rounds per mode, its loss against {@code off}, and Baton's CPU per request.
 *
 * <p>Usage: {@code GatewayObservabilityCost [--jar baton-server/target/baton.jar] [--rounds 5] [--duration 10s]
 * [--warmup 20s] [--words 8]}.
 */
public final class GatewayObservabilityCost {
    private static final List<String> MODES = List.of("off", "metrics", "tracing");

    private GatewayObservabilityCost() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        int rounds = 5;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(20);
        int words = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[++i].replace("s", "")));
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i].replace("s", "")));
                case "--words" -> words = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        Path wrk = LoadTools.require("wrk").getFirst();
        System.out.println(Machine.describe());
        Map<String, BatonProcess> batons = new LinkedHashMap<>();
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (FakeOpenAiServer upstream = new FakeOpenAiServer(); OtlpSink sink = OtlpSink.start()) {
            upstream.maxRecorded(0);
            GatewayYaml yaml = new GatewayYaml(GatewayOverhead.ALIAS, "round-robin",
                    List.of(new GatewayYaml.Upstream("fake", upstream.baseUrl(), GatewayOverhead.ALIAS, "")), true,
                    false, "");
            String body = ChatBodies.whole(GatewayOverhead.ALIAS, words);
            try {
                for (String mode : MODES) {
                    String config = yaml.render() + GatewayOverhead.observabilitySection(mode, sink);
                    BatonProcess baton = BatonProcess.start(jar, config, List.of());
                    batons.put(mode, baton);
                    ChatBodies.check(baton.url().resolve("/v1/chat/completions"), body, "You said:");
                    System.out.println(mode + ": pid " + baton.pid() + " at " + baton.url() + "; "
                            + GatewayOverhead.observabilitySection(mode, sink).replace('\n', ' ').trim());
                }
                for (String mode : MODES) {
                    BatonProcess baton = batons.get(mode);
                    Wrk.run(wrk, baton.url().resolve("/v1/chat/completions"), body, false, 2, 50, warmup,
                            baton.directory());
                    System.out.println("warmed up " + mode + " for " + warmup.toSeconds() + " s");
                }
                for (int round = 0; round < rounds; round++) {
                    for (int k = 0; k < MODES.size(); k++) {
                        String mode = MODES.get((round + k) % MODES.size());
                        BatonProcess baton = batons.get(mode);
                        long cpu = ProcessStatus.cpuMillis(baton.pid());
                        Wrk.Result r = Wrk.run(wrk, baton.url().resolve("/v1/chat/completions"), body, false, 2, 50,
                                duration, baton.directory());
                        cpu = ProcessStatus.cpuMillis(baton.pid()) - cpu;
                        if (r.non2xx() > 0) {
                            throw new IllegalStateException(mode + ": " + r.non2xx() + " non-2xx answers");
                        }
                        double cpuPerRequest = (double) cpu / r.requests();
                        results.computeIfAbsent(mode, m -> new ArrayList<>()).add(new double[] {r.rate(), cpuPerRequest});
                        System.out.printf(Locale.ROOT, "round %d %-8s %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  "
                                + "baton CPU %.3f ms/request | %s%n", round + 1, mode, r.rate(), r.p50(), r.p99(),
                                cpuPerRequest, Machine.load());
                    }
                }
            } finally {
                for (BatonProcess baton : batons.values()) {
                    baton.close();
                }
            }
            System.out.printf(Locale.ROOT, "OTLP sink: %d export requests, %.1f MiB%n", sink.requests(),
                    sink.bytes() / 1048576.0);
        }
        double base = median(results.get("off"), 0);
        double baseCpu = median(results.get("off"), 1);
        System.out.println("median of " + rounds + " rounds:");
        for (String mode : MODES) {
            double rate = median(results.get(mode), 0);
            double cpu = median(results.get(mode), 1);
            System.out.printf(Locale.ROOT, "  %-8s %7.0f req/s (%+.1f%% vs off)  %.3f ms CPU/request (%+.1f%%)%n",
                    mode, rate, 100 * (rate - base) / base, cpu, 100 * (cpu - baseCpu) / baseCpu);
        }
    }

    private static double median(List<double[]> values, int index) {
        double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
