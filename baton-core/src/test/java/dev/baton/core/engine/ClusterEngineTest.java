package dev.baton.core.engine;

import dev.baton.core.engine.ClusterFixture.Node;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.baton.core.engine.ClusterFixture.POLL;
import static dev.baton.core.engine.ClusterFixture.TENANT;
import static dev.baton.core.engine.ClusterFixture.TTL;
import static dev.baton.core.engine.EngineFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Several engines sharing one in-memory store as a cluster (leases, fencing, signals): work spreads and is done
 * once, a dead node's runs are resumed elsewhere, a stale node is fenced off, and cancel, completion and events
 * work from any node. Time moves only when the test moves the clocks.
 */
class ClusterEngineTest {
    private ClusterFixture cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Whether the condition holds within {@code wait} of real time (for asynchronous work, not engine time). */
    private static boolean within(Duration wait, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return condition.getAsBoolean();
    }

    private static List<StepAttempt> attemptsOf(RunView view, String stepId) {
        return view.attempts().stream().filter(a -> a.stepId().equals(stepId)).toList();
    }

    @Test
    void runs_started_on_every_node_complete_and_each_is_executed_by_exactly_one_node() {
        cluster = new ClusterFixture("chain");
        EngineConfig twoAtATime = EngineConfig.DEFAULT.withMaxRunningRuns(2);
        List<Node> nodes = List.of(cluster.add("a", twoAtATime, LoadShedding.OFF),
                cluster.add("b", twoAtATime, LoadShedding.OFF), cluster.add("c", twoAtATime, LoadShedding.OFF));
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            runs.add(nodes.get(i % 3).start("chain", "{name: run" + i + "}"));
        }

        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            RunView done = nodes.get((i + 1) % 3).finish(run);
            assertThat(done.run().status()).as("run %d", i).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(done.run().outputs().path("greeting").asText()).isEqualTo("run" + i + "!");
            assertThat(cluster.executors(run.id())).as("nodes that executed run %d", i).hasSize(1);
            assertThat(cluster.executionsOf(run.id())).extracting(ClusterFixture.Execution::stepId)
                    .containsExactlyInAnyOrder("first", "second", "third");
        }
        assertThat(cluster.executions.stream().map(ClusterFixture.Execution::node).distinct())
                .as("the work spread over the nodes").hasSizeGreaterThan(1);
    }

    @Test
    void a_queued_run_is_claimed_by_a_free_node_on_a_signal_or_without_one_at_its_next_poll() {
        cluster = new ClusterFixture("one");
        EngineConfig oneAtATime = EngineConfig.DEFAULT.withMaxRunningRuns(1);
        Node a = cluster.add("a", oneAtATime, LoadShedding.OFF);
        Node b = cluster.add("b", oneAtATime, LoadShedding.OFF);
        Node c = cluster.add("c", oneAtATime, LoadShedding.OFF);
        a.start("one", "{name: busy}");
        eventually("a is busy", () -> a.gate.entered.get() == 1);

        Run signalled = a.start("one", "{name: signalled}");
        eventually("a free node takes it on the signal", () -> b.gate.entered.get() + c.gate.entered.get() == 1);
        Node idle = b.gate.entered.get() == 0 ? b : c;
        cluster.bus.dropSignals(true);
        Run polled = a.start("one", "{name: polled}");
        assertThat(polled.status()).isEqualTo(RunStatus.QUEUED);
        cluster.advance(POLL, idle);

        eventually("the idle node takes it at its poll", () -> idle.gate.entered.get() == 1);
        cluster.bus.dropSignals(false);
        a.gate.release(1);
        b.gate.release(1);
        c.gate.release(1);
        assertThat(a.finish(signalled).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(a.finish(polled).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(cluster.executors(polled.id())).containsExactly(idle.id);
    }

    @Test
    void a_dead_nodes_runs_are_resumed_from_the_journal_by_another_node_after_the_lease_ttl() {
        cluster = new ClusterFixture("resume-three");
        Node a = cluster.add("a");
        Node b = cluster.add("b");
        List<Run> runs = List.of(a.start("resume-three", "{}"), a.start("resume-three", "{}"),
                a.start("resume-three", "{}"));
        eventually("3 runs wait at a's gate", () -> a.gate.entered.get() == 3);

        a.kill();
        cluster.advance(TTL.plus(POLL), b);
        eventually("b takes the 3 runs over", () -> b.gate.entered.get() == 3);
        b.gate.release(3);

        for (Run run : runs) {
            RunView done = b.finish(run);
            assertThat(done.run().status()).as("%s", done).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(attemptsOf(done, "a")).as("a's finished step is not run again").hasSize(1);
            List<StepAttempt> gate = attemptsOf(done, "b");
            assertThat(gate).extracting(StepAttempt::status)
                    .containsExactly(AttemptStatus.FAILED, AttemptStatus.SUCCEEDED);
            assertThat(gate.getFirst().error().code()).isEqualTo(ErrorCode.INTERRUPTED.code());
            assertThat(cluster.executionsOf(run.id())).extracting(ClusterFixture.Execution::node)
                    .containsExactly("a", "a", "b", "b");
        }
    }

    @Test
    void resume_on_a_new_node_claims_the_runs_of_a_dead_node_whose_leases_expired() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        List<Run> runs = List.of(a.start("one", "{name: x}"), a.start("one", "{name: y}"));
        eventually("both runs wait at a's gate", () -> a.gate.entered.get() == 2);
        a.kill();
        cluster.advance(TTL.plus(POLL));

        Node restarted = cluster.add("a-restarted");
        assertThat(restarted.engine.resumeUnfinished()).isEqualTo(2);

        eventually("the new node runs both", () -> restarted.gate.entered.get() == 2);
        restarted.gate.release(2);
        for (Run run : runs) {
            assertThat(restarted.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void a_node_that_lost_its_lease_is_fenced_off_and_abandons_the_run() {
        cluster = new ClusterFixture("one");
        Node stale = cluster.add("stale");
        Node b = cluster.add("b");
        Run run = stale.start("one", "{name: x}");
        eventually("the run waits at the stale node's gate", () -> stale.gate.entered.get() == 1);

        // The stale node's clock stands still: it stops heartbeating, as in a long pause, but it is alive.
        cluster.advance(TTL.plus(POLL), b);
        eventually("b takes the run over", () -> b.gate.entered.get() == 1);
        stale.gate.release(1);
        eventually("the stale node lets go of the run", () -> stale.engine.activeRuns() == 0);
        b.gate.release(1);

        RunView done = b.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.run().outputs().path("work").path("node").asText()).isEqualTo("b");
        List<StepAttempt> work = attemptsOf(done, "work");
        assertThat(work).extracting(StepAttempt::status).containsExactly(AttemptStatus.FAILED,
                AttemptStatus.SUCCEEDED);
        assertThat(work.getFirst().error().code()).as("b's record of the attempt, not the stale node's success")
                .isEqualTo(ErrorCode.INTERRUPTED.code());
        assertThat(stale.gate.passed.get()).as("the stale node's handler did finish").isEqualTo(1);
    }

    @Test
    void after_a_store_outage_a_node_takes_over_no_other_nodes_run_for_one_lease_ttl() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        FailingLeases leasesOfB = new FailingLeases(cluster.store.leases(), cluster.storeClock);
        Node b = cluster.add("b", EngineConfig.DEFAULT, LoadShedding.OFF, leasesOfB);
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);

        // a pauses (its clock stands still) while b cannot reach the store: a's lease expires meanwhile.
        leasesOfB.down = true;
        cluster.advance(TTL.plus(POLL), b);
        eventually("b's heartbeat failed", () -> leasesOfB.failedRenewals.get() > 0);
        leasesOfB.down = false;
        eventually("b renews once the store is back", () -> {
            if (leasesOfB.backAt == null) {
                cluster.advance(ClusterFixture.HEARTBEAT, b);
            }
            return leasesOfB.backAt != null;
        });
        java.time.Instant back = leasesOfB.backAt;
        // Within the grace period b's polls fire, but it leaves a's expired run alone (a may renew meanwhile).
        for (int i = 0; i < 4; i++) {
            cluster.advance(POLL, b);
            assertThat(within(Duration.ofMillis(100), () -> b.gate.entered.get() > 0))
                    .as("b took the run %d poll(s) after the store came back", i + 1).isFalse();
        }
        cluster.advance(TTL, b);

        eventually("b takes the run over after the grace period", () -> b.gate.entered.get() == 1);
        assertThat(leasesOfB.claimNextCalls).as("no claims within one lease TTL of the store's return")
                .noneMatch(at -> !at.isBefore(back) && at.isBefore(back.plus(TTL)));
        b.gate.release(1);
        assertThat(b.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void cancel_on_another_node_stops_a_running_run() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        Node b = cluster.add("b");
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);

        b.engine.cancel(TENANT, run.id(), "changed my mind");

        RunView done = b.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(done.run().error().message()).contains("changed my mind");
        assertThat(a.gate.interrupted.get()).isEqualTo(1);
        eventually("a lets go of the run", () -> a.engine.activeRuns() == 0);
    }

    @Test
    void a_lost_cancel_signal_is_picked_up_by_the_owners_heartbeat() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        Node b = cluster.add("b");
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);

        cluster.bus.dropSignals(true);
        b.engine.cancel(TENANT, run.id(), null);
        assertThat(a.engine.get(TENANT, run.id()).orElseThrow().run().status()).isEqualTo(RunStatus.RUNNING);
        cluster.advance(ClusterFixture.HEARTBEAT, a, b);
        eventually("a's heartbeat finds the request and cancels the run",
                () -> a.engine.get(TENANT, run.id()).orElseThrow().run().status() == RunStatus.CANCELLED);
        cluster.advance(POLL, b); // signals are still lost: b's poll finds the run finished

        RunView done = b.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void cancel_of_a_queued_run_nobody_holds_finishes_it_on_the_cancelling_node() {
        cluster = new ClusterFixture("one");
        EngineConfig oneAtATime = EngineConfig.DEFAULT.withMaxRunningRuns(1);
        Node a = cluster.add("a", oneAtATime, LoadShedding.OFF);
        Node b = cluster.add("b", oneAtATime, LoadShedding.OFF);
        Run busyA = a.start("one", "{name: a}");
        Run busyB = b.start("one", "{name: b}");
        eventually("both nodes are busy", () -> a.gate.entered.get() == 1 && b.gate.entered.get() == 1);
        Run queued = a.start("one", "{name: queued}");
        assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);

        Run cancelled = b.engine.cancel(TENANT, queued.id(), "not needed");

        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        RunView stored = a.finish(queued);
        assertThat(stored.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.run().startedAt()).isNull();
        assertThat(stored.attempts()).isEmpty();
        a.gate.release(1);
        b.gate.release(1);
        assertThat(a.finish(busyA).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(b.finish(busyB).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(cluster.executionsOf(queued.id())).isEmpty();
    }

    @Test
    void completion_and_events_of_a_run_follow_it_on_a_node_that_does_not_own_it() throws Exception {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        Node b = cluster.add("b");
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        b.engine.subscribe(TENANT, run.id(), 0, seen::add);
        var completion = b.engine.completion(TENANT, run.id());

        a.gate.release(1);

        RunView done = completion.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.attempts()).hasSize(1);
        eventually("b's subscriber sees the run finish",
                () -> !seen.isEmpty() && seen.getLast().entry() instanceof JournalEntry.RunFinished);
        assertThat(seen).isEqualTo(cluster.store.events(run.id(), 0, 100));
    }

    @Test
    void without_signals_a_remote_completion_is_found_by_the_poll() throws Exception {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        Node b = cluster.add("b");
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);
        cluster.bus.dropSignals(true);
        var completion = b.engine.completion(TENANT, run.id());
        a.gate.release(1);
        a.finish(run);
        assertThat(completion).isNotDone();

        cluster.advance(POLL, b);

        assertThat(completion.get(30, java.util.concurrent.TimeUnit.SECONDS).run().status())
                .isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void drain_hands_back_unfinished_runs_and_another_node_finishes_them() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        Node b = cluster.add("b");
        List<Run> runs = List.of(a.start("one", "{name: x}"), a.start("one", "{name: y}"));
        eventually("both runs wait at a's gate", () -> a.gate.entered.get() == 2);

        int handedBack = a.engine.drain(Duration.ZERO);

        assertThat(handedBack).isEqualTo(2);
        assertThat(a.engine.activeRuns()).isZero();
        assertThatThrownBy(() -> a.start("one", "{name: z}")).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY));
        eventually("b takes both runs", () -> b.gate.entered.get() == 2);
        b.gate.release(2);
        for (Run run : runs) {
            RunView done = b.finish(run);
            assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(done.run().outputs().path("work").path("node").asText()).isEqualTo("b");
        }
        assertThat(a.gate.interrupted.get()).isEqualTo(2);
    }

    @Test
    void drain_lets_runs_finish_within_its_timeout() throws Exception {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a");
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);
        a.gate.release(1);

        int handedBack = a.engine.drain(Duration.ofSeconds(30));

        assertThat(handedBack).isZero();
        assertThat(a.engine.get(TENANT, run.id()).orElseThrow().run().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void load_shedding_refuses_low_priority_runs_past_the_cluster_queue_depth_and_admits_high_priority_ones() {
        cluster = new ClusterFixture("one");
        EngineConfig oneAtATime = EngineConfig.DEFAULT.withMaxRunningRuns(1);
        LoadShedding shedding = new LoadShedding(2, 5);
        Node a = cluster.add("a", oneAtATime, shedding);
        Node b = cluster.add("b", oneAtATime, shedding);
        a.start("one", "{name: a}");
        b.start("one", "{name: b}");
        eventually("both nodes are busy", () -> a.gate.entered.get() == 1 && b.gate.entered.get() == 1);
        a.start("one", "{name: q1}");
        b.start("one", "{name: q2}");
        cluster.advance(Duration.ofMillis(250), a, b);

        assertThatThrownBy(() -> a.start("one", "{name: low}", 0)).isInstanceOfSatisfying(BatonException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfter()).isPresent();
                    assertThat(e.getMessage()).contains("2 runs").contains("priority 5 or more");
                });
        assertThatThrownBy(() -> b.start("one", "{name: low}", 4)).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        Run urgent = b.start("one", "{name: urgent}", 5);
        assertThat(urgent.status()).isEqualTo(RunStatus.QUEUED);
        a.gate.release(10);
        b.gate.release(10);
    }

    @Test
    void load_shedding_applies_to_a_single_node_queue_too() {
        EngineFixture fixture = new EngineFixture(EngineConfig.DEFAULT.withMaxRunningRuns(1),
                new TestHandlers.Gate("gate"));
        try (fixture) {
            fixture.engine.close();
            LocalEngine engine = LocalEngine.builder(fixture.store, (t, id, v) -> fixture.workflows.get(id),
                            fixture.registry).clock(fixture.clock).config(fixture.config)
                    .loadShedding(new LoadShedding(1, 5)).build();
            fixture.engine = engine;
            fixture.register("one");
            fixture.start("one", "{name: running}");
            fixture.start("one", "{name: queued}");

            assertThatThrownBy(() -> engine.start(new StartRequest(TENANT, "one", 0, EngineFixture.json("{}"), 0,
                    null))).isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                        assertThat(e.retryAfter()).isPresent();
                    });
            Run urgent = engine.start(new StartRequest(TENANT, "one", 0, EngineFixture.json("{}"), 7, null));
            assertThat(urgent.status()).isEqualTo(RunStatus.QUEUED);
        }
    }

    @Test
    void children_of_map_and_workflow_steps_run_and_complete_in_cluster_mode() {
        cluster = new ClusterFixture("cluster-map", "cluster-child");
        Node a = cluster.add("a");
        cluster.add("b");
        cluster.add("c");

        Run run = a.start("cluster-map", "{words: [x, y, z, w]}");

        RunView done = a.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.run().outputs().path("items").findValuesAsText("text"))
                .containsExactly("x!", "y!", "z!", "w!");
        assertThat(done.run().outputs().path("single").path("text").asText()).isEqualTo("solo!");
        assertThat(cluster.executions).hasSize(5);
    }
}
