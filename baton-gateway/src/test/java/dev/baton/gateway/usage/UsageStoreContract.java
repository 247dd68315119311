package dev.baton.gateway.usage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What every {@link UsageStore} must do. Extend it once per implementation and return an empty store from
 * {@link #emptyStore()}; shipped in the gateway test-jar for the JDBC stores.
 *
 * <p>Costs in these tests are binary fractions (0.5, 0.25...) so that sums are exact in any database.
 */
public abstract class UsageStoreContract {
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private UsageStore store;

    /** A store without records. Called before each test. */
    protected abstract UsageStore emptyStore();

    @BeforeEach
    void setUp() {
        store = emptyStore();
    }

    /** A successful call's record with everything set; tests change what they look at. */
    protected static UsageRecord record(Instant at, String principal, String runId, String alias, long in, long out,
                                        double cost) {
        return new UsageRecord(at, principal, runId, runId == null ? null : "wf-" + runId, runId == null ? null : "s1",
                alias, alias + "-dep", alias.startsWith("claude") ? "anthropic" : "openai", alias + "-upstream", "chat",
                in, out, false, cost, Duration.ofMillis(120), null, false, null,
                principal.equals("k1") ? "acme" : "globex", principal.equals("k1") ? "k1" : null);
    }

    private static UsageRecord copy(UsageRecord r, boolean estimated, boolean cacheHit, String errorCode) {
        return new UsageRecord(r.at(), r.principal(), r.runId(), r.workflow(), r.stepId(), r.alias(), r.deployment(),
                r.provider(), r.upstreamModel(), r.operation(), r.inputTokens(), r.outputTokens(), estimated,
                r.costUsd(), r.latency(), Duration.ofMillis(15), cacheHit, errorCode, r.tenantId(), r.keyId());
    }

    private static UsageQuery by(UsageDimension dimension) {
        return new UsageQuery(dimension, null, null, Map.of());
    }

    private void appendSample() {
        store.append(List.of(
                record(T0, "k1", "r1", "gpt", 100, 10, 0.5),
                record(T0.plusSeconds(1), "k1", "r1", "claude", 200, 20, 0.25),
                record(T0.plusSeconds(2), "k2", "r2", "gpt", 300, 30, 1.0),
                record(T0.plusSeconds(3), "k2", null, "gpt", 400, 40, 0.125)));
    }

    @Test
    void an_empty_store_summarizes_to_nothing() {
        assertThat(store.summarize(by(UsageDimension.RUN))).isEmpty();
        store.append(List.of());
        assertThat(store.summarize(by(UsageDimension.PRINCIPAL))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(UsageDimension.class)
    void totals_group_by_every_dimension(UsageDimension dimension) {
        appendSample();

        List<UsageTotals> totals = store.summarize(by(dimension));

        Map<UsageDimension, List<String>> expectedKeys = Map.of(
                UsageDimension.RUN, List.of("r2", "r1", ""),
                UsageDimension.WORKFLOW, List.of("wf-r2", "wf-r1", ""),
                UsageDimension.PRINCIPAL, List.of("k2", "k1"),
                UsageDimension.MODEL, List.of("gpt", "claude"),
                UsageDimension.DEPLOYMENT, List.of("gpt-dep", "claude-dep"),
                UsageDimension.PROVIDER, List.of("openai", "anthropic"),
                UsageDimension.STEP, List.of("s1", ""),
                UsageDimension.TENANT, List.of("globex", "acme"),
                UsageDimension.API_KEY, List.of("", "k1"));
        assertThat(totals).extracting(UsageTotals::key).containsExactlyElementsOf(expectedKeys.get(dimension));
        assertThat(totals.stream().mapToLong(UsageTotals::calls).sum()).isEqualTo(4);
        assertThat(totals.stream().mapToLong(UsageTotals::inputTokens).sum()).isEqualTo(1000);
        assertThat(totals.stream().mapToLong(UsageTotals::outputTokens).sum()).isEqualTo(100);
        assertThat(totals.stream().mapToDouble(UsageTotals::costUsd).sum()).isCloseTo(1.875, within(1e-9));
    }

    @Test
    void records_are_filtered_by_tenant_and_by_api_key() {
        appendSample();

        List<UsageTotals> acme = store.summarize(new UsageQuery(UsageDimension.MODEL, null, null,
                Map.of(UsageDimension.TENANT, "acme")));
        List<UsageTotals> k1 = store.summarize(new UsageQuery(UsageDimension.TENANT, T0.plusSeconds(1), null,
                Map.of(UsageDimension.API_KEY, "k1")));

        assertThat(acme).extracting(UsageTotals::key).containsExactly("gpt", "claude");
        assertThat(acme.stream().mapToLong(UsageTotals::calls).sum()).isEqualTo(2);
        assertThat(k1).containsExactly(new UsageTotals("acme", 1, 0, 0, 200, 20, false, 0.25));
    }

    @Test
    void sums_tokens_cost_and_calls_per_group() {
        appendSample();

        List<UsageTotals> totals = store.summarize(by(UsageDimension.MODEL));

        assertThat(totals.getFirst()).isEqualTo(new UsageTotals("gpt", 3, 0, 0, 800, 80, false, 1.625));
        assertThat(totals.get(1)).isEqualTo(new UsageTotals("claude", 1, 0, 0, 200, 20, false, 0.25));
    }

    @Test
    void records_without_a_run_or_workflow_are_grouped_and_filtered_under_the_empty_key() {
        appendSample();

        List<UsageTotals> direct = store.summarize(new UsageQuery(UsageDimension.PRINCIPAL, null, null,
                Map.of(UsageDimension.RUN, "")));
        List<UsageTotals> byWorkflow = store.summarize(by(UsageDimension.WORKFLOW));

        assertThat(direct).containsExactly(new UsageTotals("k2", 1, 0, 0, 400, 40, false, 0.125));
        assertThat(byWorkflow.getLast()).isEqualTo(new UsageTotals("", 1, 0, 0, 400, 40, false, 0.125));
    }

    @Test
    void filters_select_records_by_every_dimension_and_combine() {
        appendSample();

        assertThat(store.summarize(new UsageQuery(UsageDimension.MODEL, null, null, Map.of(UsageDimension.PRINCIPAL,
                "k1")))).extracting(UsageTotals::key, UsageTotals::calls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gpt", 1L),
                        org.assertj.core.groups.Tuple.tuple("claude", 1L));
        assertThat(store.summarize(new UsageQuery(UsageDimension.RUN, null, null,
                Map.of(UsageDimension.PRINCIPAL, "k2", UsageDimension.MODEL, "gpt"))))
                .extracting(UsageTotals::key).containsExactly("r2", "");
        assertThat(store.summarize(new UsageQuery(UsageDimension.RUN, null, null,
                Map.of(UsageDimension.WORKFLOW, "wf-r1", UsageDimension.DEPLOYMENT, "claude-dep",
                        UsageDimension.PROVIDER, "anthropic"))))
                .containsExactly(new UsageTotals("r1", 1, 0, 0, 200, 20, false, 0.25));
        assertThat(store.summarize(new UsageQuery(UsageDimension.RUN, null, null, Map.of(UsageDimension.RUN, "r1"))))
                .extracting(UsageTotals::calls).containsExactly(2L);
        assertThat(store.summarize(new UsageQuery(UsageDimension.RUN, null, null,
                Map.of(UsageDimension.PRINCIPAL, "nobody")))).isEmpty();
    }

    @Test
    void from_is_inclusive_and_to_is_exclusive() {
        appendSample();

        List<UsageTotals> middle = store.summarize(new UsageQuery(UsageDimension.PRINCIPAL, T0.plusSeconds(1),
                T0.plusSeconds(3), Map.of()));
        List<UsageTotals> fromOnly = store.summarize(new UsageQuery(UsageDimension.PRINCIPAL, T0.plusSeconds(3),
                null, Map.of()));
        List<UsageTotals> toOnly = store.summarize(new UsageQuery(UsageDimension.PRINCIPAL, null, T0.plusSeconds(1),
                Map.of()));

        assertThat(middle).extracting(UsageTotals::key, UsageTotals::calls).containsExactly(
                org.assertj.core.groups.Tuple.tuple("k2", 1L), org.assertj.core.groups.Tuple.tuple("k1", 1L));
        assertThat(fromOnly).extracting(UsageTotals::key, UsageTotals::calls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k2", 1L));
        assertThat(toOnly).extracting(UsageTotals::key, UsageTotals::inputTokens)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k1", 100L));
    }

    @Test
    void totals_come_largest_cost_first_then_by_key_ascending() {
        store.append(List.of(
                record(T0, "b", null, "gpt", 1, 1, 0.25),
                record(T0, "c", null, "gpt", 1, 1, 0.5),
                record(T0, "a", null, "gpt", 1, 1, 0.25),
                record(T0, "d", null, "gpt", 1, 1, 0),
                record(T0, "B", null, "gpt", 1, 1, 0.25)));

        assertThat(store.summarize(by(UsageDimension.PRINCIPAL))).extracting(UsageTotals::key)
                .containsExactly("c", "B", "a", "b", "d");
    }

    @Test
    void counts_errors_and_cache_hits_and_ors_the_estimated_flag() {
        UsageRecord base = record(T0, "k1", null, "gpt", 10, 5, 0.5);
        store.append(List.of(
                base,
                copy(record(T0, "k1", null, "gpt", 0, 0, 0), false, true, null),
                copy(record(T0, "k1", null, "gpt", 0, 0, 0), false, false, "upstream-unavailable"),
                copy(record(T0, "k2", null, "gpt", 3, 4, 0.25), true, false, null),
                copy(record(T0, "k2", null, "gpt", 3, 4, 0.25), false, false, null)));

        assertThat(store.summarize(by(UsageDimension.PRINCIPAL))).containsExactly(
                new UsageTotals("k1", 3, 1, 1, 10, 5, false, 0.5),
                new UsageTotals("k2", 2, 0, 0, 6, 8, true, 0.5));
    }

    private static UsageRecord timed(String alias, long latencyMs, Long ttftMs, String errorCode) {
        UsageRecord r = record(T0, "k1", "r1", alias, 1, 1, 0);
        return new UsageRecord(r.at(), r.principal(), r.runId(), r.workflow(), r.stepId(), r.alias(), r.deployment(),
                r.provider(), r.upstreamModel(), ttftMs == null ? "chat" : "chat.stream", 1, 1, false, 0,
                Duration.ofMillis(latencyMs), ttftMs == null ? null : Duration.ofMillis(ttftMs), false, errorCode);
    }

    @Test
    void latencies_give_percentiles_and_errors_per_group_most_calls_first() {
        store.append(List.of(
                timed("gpt", 100, null, null),
                timed("gpt", 200, 20L, "upstream-unavailable"),
                timed("gpt", 300, 40L, null),
                timed("gpt", 400, null, "timeout"),
                timed("claude", 50, null, null)));

        List<UsageLatency> latencies = store.latencies(by(UsageDimension.MODEL));

        assertThat(latencies).extracting(UsageLatency::key, UsageLatency::calls, UsageLatency::errors)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gpt", 4L, 2L),
                        org.assertj.core.groups.Tuple.tuple("claude", 1L, 0L));
        UsageLatency gpt = latencies.getFirst();
        assertThat(gpt.errorRate()).isEqualTo(0.5);
        assertThat(gpt.latency().p50()).isCloseTo(250, within(1e-6));
        assertThat(gpt.latency().p95()).isCloseTo(385, within(1e-6));
        assertThat(gpt.latency().p99()).isCloseTo(397, within(1e-6));
        assertThat(gpt.timeToFirstToken().p50()).isCloseTo(30, within(1e-6));
        assertThat(latencies.get(1).latency().p99()).isCloseTo(50, within(1e-6));
        assertThat(latencies.get(1).timeToFirstToken()).isNull();
    }

    @Test
    void latencies_honour_filters_and_the_time_range() {
        appendSample();

        assertThat(store.latencies(new UsageQuery(UsageDimension.DEPLOYMENT, T0.plusSeconds(1), T0.plusSeconds(3),
                Map.of(UsageDimension.PRINCIPAL, "k2")))).extracting(UsageLatency::key, UsageLatency::calls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gpt-dep", 1L));
        assertThat(store.latencies(new UsageQuery(UsageDimension.STEP, null, null, Map.of(UsageDimension.STEP, ""))))
                .extracting(UsageLatency::key, UsageLatency::calls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", 1L));
        assertThat(store.latencies(by(UsageDimension.PRINCIPAL))).extracting(UsageLatency::key)
                .containsExactly("k1", "k2");
    }

    @Test
    void totals_filter_by_step() {
        appendSample();

        assertThat(store.summarize(new UsageQuery(UsageDimension.WORKFLOW, null, null,
                Map.of(UsageDimension.STEP, "s1")))).extracting(UsageTotals::key).containsExactly("wf-r2", "wf-r1");
    }

    @Test
    void batches_appended_separately_add_up() {
        store.append(List.of(record(T0, "k1", "r1", "gpt", 1, 2, 0.5)));
        store.append(List.of(record(T0, "k1", "r1", "gpt", 10, 20, 0.25), record(T0, "k1", "r1", "gpt", 100, 200, 0)));

        assertThat(store.summarize(by(UsageDimension.RUN)))
                .containsExactly(new UsageTotals("r1", 3, 0, 0, 111, 222, false, 0.75));
    }
}
