package dev.baton.bench.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadOutputParsingTest {

    private static final String HEY = """

            Summary:
              Total:\t20.0140 secs
              Slowest:\t0.0628 secs
              Fastest:\t0.0021 secs
              Average:\t0.0101 secs
              Requests/sec:\t999.2004

            Latency distribution:
              10% in 0.0041 secs
              25% in 0.0062 secs
              50% in 0.0091 secs
              75% in 0.0123 secs
              90% in 0.0152 secs
              95% in 0.0189 secs
              99% in 0.0268 secs

            Status code distribution:
              [200]\t19990 responses
              [502]\t7 responses

            Error distribution:
              [3]\tPost "http://127.0.0.1:1/v1/chat/completions": EOF
            """;

    private static final String WRK = """
            Running 15s test @ http://127.0.0.1:33079/v1/chat/completions
              2 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    11.20ms    5.95ms  98.31ms   78.52%
              Latency Distribution
                 50%  10.37ms
                 75%   13.90ms
                 90%   18.02ms
                 99%  890.00us
              66143 requests in 15.04s, 28.11MB read
              Socket errors: connect 0, read 2, write 0, timeout 0
              Non-2xx or 3xx responses: 4
            bench: complete streams 66139, without [DONE] 4
            Requests/sec:   4396.51
            Transfer/sec:      1.87MB
            """;

    @Test
    void hey_summary_gives_rate_percentiles_in_milliseconds_statuses_and_errors() {
        Hey.Result r = Hey.parse("hey ...", HEY);

        assertThat(r.rate()).isCloseTo(999.2004, within(1e-9));
        assertThat(r.p50()).isCloseTo(9.1, within(1e-9));
        assertThat(r.p90()).isCloseTo(15.2, within(1e-9));
        assertThat(r.p99()).isCloseTo(26.8, within(1e-9));
        assertThat(r.slowest()).isCloseTo(62.8, within(1e-9));
        assertThat(r.statuses()).isEqualTo(Map.of(200, 19990L, 502, 7L));
        assertThat(r.errors()).isEqualTo(3);
        assertThat(r.ok()).isEqualTo(19990);
    }

    @Test
    void wrk_summary_converts_units_and_reads_the_stream_counts_of_the_script() {
        Wrk.Result r = Wrk.parse("wrk ...", WRK);

        assertThat(r.rate()).isCloseTo(4396.51, within(1e-9));
        assertThat(r.requests()).isEqualTo(66143);
        assertThat(r.p50()).isCloseTo(10.37, within(1e-9));
        assertThat(r.p99()).isCloseTo(0.89, within(1e-9));
        assertThat(r.non2xx()).isEqualTo(4);
        assertThat(r.socketErrors()).isEqualTo("connect 0, read 2, write 0, timeout 0");
        assertThat(r.complete()).isEqualTo(66139);
        assertThat(r.incomplete()).isEqualTo(4);
    }

    @Test
    void wrk_script_for_streams_counts_done_and_for_whole_responses_only_sets_the_request() {
        assertThat(Wrk.script("{\"a\":1}", false)).contains("wrk.body = [==[{\"a\":1}]==]")
                .contains("Cache-Control").doesNotContain("function response");
        assertThat(Wrk.script("{}", true)).contains("function response").contains("data: [DONE]");
    }

    @Test
    void gc_log_gives_peak_heap_before_collections_and_the_heap_limit(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("gc.log");
        Files.writeString(log, """
                [0.010s][info][gc,init] Heap Max Capacity: 6028M
                [1.234s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.345ms
                [2.234s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 180M->40M(384M) 5.1ms
                [3.234s][info][gc] GC(2) Pause Full (System.gc()) 90M->30M(224M) 20.0ms
                """);

        GcLog all = GcLog.summary(log);
        GcLog last = GcLog.summary(log, 2);

        assertThat(all).isEqualTo(new GcLog(3, 180, 30, 384, 6028));
        assertThat(last).isEqualTo(new GcLog(1, 90, 30, 224, 6028));
    }

    @Test
    void gateway_yaml_names_every_deployment_and_the_extra_settings() {
        GatewayYaml yaml = new GatewayYaml("bench-chat", "round-robin", java.util.List.of(
                new GatewayYaml.Upstream("a", java.net.URI.create("http://127.0.0.1:1/v1"), "m", ""),
                new GatewayYaml.Upstream("b", java.net.URI.create("http://127.0.0.1:2/v1"), "m",
                        "breaker: {windowSize: 20}")), false, false, "  retry: {maxAttempts: 3}\n");

        assertThat(yaml.render()).isEqualTo("""
                ai:
                  enabled: false
                gateway:
                  cache: {enabled: false}
                  retry: {maxAttempts: 3}
                  models:
                    bench-chat:
                      strategy: round-robin
                      deployments:
                        - {id: a, provider: openai, baseUrl: "http://127.0.0.1:1/v1", model: m}
                        - {id: b, provider: openai, baseUrl: "http://127.0.0.1:2/v1", model: m, breaker: {windowSize: 20}}
                security:
                  egress:
                    allow: [127.0.0.1]   # the fake upstreams listen on the loopback, denied by default
                """);
    }
}
