package dev.baton.core.engine;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.InMemoryClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start fast path when its claim comes late: between creating a run and claiming it, another node claimed
 * and started it, then died (its lease expired). The claim then returns the run RUNNING and leased to this node,
 * which must resume it; dropping it left the run leased to a live node that renews it and never runs it (found by
 * the cluster chaos test under load).
 */
class ClusterStartRaceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(6);

    @Test
    void a_run_claimed_running_by_the_start_fast_path_is_resumed_not_dropped() throws Exception {
        ManualEngineClock storeClock = new ManualEngineClock(T0);
        InMemoryRunStore store = new InMemoryRunStore(storeClock);
        Workflow workflow = EngineFixture.PARSER.parse("""
                id: greet
                steps:
                  say:
                    uses: transform
                    with: {value: "hello"}
                """, "greet.yaml").withVersion(1);
        AtomicBoolean raced = new AtomicBoolean();
        RunLeases late = new LateClaims(store.leases(), runId -> {
            // Another node ("ghost") claims the new run first, starts it, and dies: its lease expires.
            if (raced.compareAndSet(false, true)) {
                assertThat(store.leases().claim(runId, "ghost", TTL)).isPresent();
                store.append(List.of(new JournalEntry.RunStarted(runId, storeClock.instant())), "ghost");
                storeClock.advance(TTL.plusSeconds(1));
            }
        });
        ManualEngineClock clock = new ManualEngineClock(T0);
        LocalEngine engine = LocalEngine.builder(store, (tenant, id, version) -> workflow, StepRegistry.of(List.of()))
                .clock(clock).random(new SplittableRandom(1))
                .cluster(ClusterSettings.defaults("a").withLeaseTtl(TTL, Duration.ofSeconds(2)), late,
                        new InMemoryClusterSignals().join())
                .build();
        try {
            Run run = engine.start(new StartRequest("default", "greet", 0, EngineFixture.json("{}"), 0, null));

            assertThat(raced).as("the ghost node took the run between its creation and the claim").isTrue();
            RunView done = engine.completion("default", run.id()).get(10, TimeUnit.SECONDS);
            assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(done.run().outputs().path("say").asText()).isEqualTo("hello");
        } finally {
            engine.close();
        }
    }

    /** Runs {@code beforeClaim} before every single-run claim, then claims. */
    private record LateClaims(RunLeases leases, java.util.function.Consumer<String> beforeClaim) implements RunLeases {
        @Override
        public Optional<Run> claim(String runId, String nodeId, Duration ttl) {
            beforeClaim.accept(runId);
            return leases.claim(runId, nodeId, ttl);
        }

        @Override
        public List<Run> claimNext(String nodeId, int limit, boolean includeQueued, Duration ttl) {
            return leases.claimNext(nodeId, limit, includeQueued, ttl);
        }

        @Override
        public Set<String> renew(String nodeId, Set<String> held, Duration ttl) {
            return leases.renew(nodeId, held, ttl);
        }

        @Override
        public void release(String nodeId, Collection<String> runIds) {
            leases.release(nodeId, runIds);
        }

        @Override
        public long queuedRuns() {
            return leases.queuedRuns();
        }
    }
}
