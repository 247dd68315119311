package dev.baton.observability.tracing;

import dev.baton.core.run.RunStatus;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RandomnessSamplerTest {
    private static final int RUNS = 10_000;

    /** Trace ids as the engine derives them from random run ids (UUID v4, seeded). */
    private static String[] runTraceIds(long seed) {
        Random random = new Random(seed);
        String[] ids = new String[RUNS];
        for (int i = 0; i < RUNS; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            bytes[6] = (byte) (bytes[6] & 0x0f | 0x40); // version 4
            bytes[8] = (byte) (bytes[8] & 0x3f | 0x80); // IETF variant
            long msb = 0;
            long lsb = 0;
            for (int b = 0; b < 8; b++) {
                msb = msb << 8 | bytes[b] & 0xff;
                lsb = lsb << 8 | bytes[b + 8] & 0xff;
            }
            ids[i] = RunTrace.traceIdOf(new UUID(msb, lsb).toString());
        }
        return ids;
    }

    private static double share(RandomnessSampler sampler, String[] traceIds) {
        int sampled = 0;
        for (String id : traceIds) {
            if (sampled(sampler, id)) {
                sampled++;
            }
        }
        return (double) sampled / traceIds.length;
    }

    private static boolean sampled(RandomnessSampler sampler, String traceId) {
        return sampler.shouldSample(Context.root(), traceId, "run", SpanKind.INTERNAL, Attributes.empty(), List.of())
                       .getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
    }

    @Test
    void a_ratio_keeps_that_share_of_random_run_ids() {
        String[] ids = runTraceIds(42);
        assertThat(share(new RandomnessSampler(0.25), ids)).isCloseTo(0.25, within(0.02));
        assertThat(share(new RandomnessSampler(0.5), ids)).isCloseTo(0.5, within(0.02));
        assertThat(share(new RandomnessSampler(0.9), ids)).isCloseTo(0.9, within(0.02));
    }

    @Test
    void ratio_zero_keeps_none_and_one_keeps_all() {
        String[] ids = runTraceIds(7);
        assertThat(share(new RandomnessSampler(0), ids)).isZero();
        assertThat(share(new RandomnessSampler(1), ids)).isEqualTo(1.0);
        assertThat(new RandomnessSampler(1).sampled("ffffffffffffffffffffffffffffffff")).isTrue();
        assertThat(new RandomnessSampler(0).sampled("00000000000000000000000000000001")).isFalse();
    }

    @Test
    void the_engine_and_the_sdk_sample_the_same_runs() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        Instant t0 = Instant.parse("2026-11-21T04:00:00Z");
        try (Tracing tracing = Tracing.with(SimpleSpanProcessor.create(exporter), 0.25, "baton-test", null,
                Duration.ofSeconds(1))) {
            RandomnessSampler sampler = new RandomnessSampler(0.25);
            int expected = 0;
            for (int i = 0; i < 400; i++) {
                String runId = UUID.randomUUID().toString();
                if (sampler.sampled(RunTrace.traceIdOf(runId))) {
                    expected++;
                }
                tracing.engineObserver().runFinished(EngineTracingTest.run(runId, RunStatus.SUCCEEDED, null, null,
                        t0.plusSeconds(1)));
            }
            assertThat(exporter.getFinishedSpanItems()).hasSize(expected);
            assertThat(expected).isBetween(50, 150);
        }
    }

    @Test
    void a_ratio_outside_zero_to_one_is_rejected() {
        assertThatThrownBy(() -> new RandomnessSampler(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RandomnessSampler(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
