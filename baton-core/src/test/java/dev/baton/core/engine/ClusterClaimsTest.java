package dev.baton.core.engine;

import dev.baton.core.engine.ClusterFixture.Node;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.core.engine.ClusterFixture.HEARTBEAT;
import static dev.baton.core.engine.ClusterFixture.POLL;
import static dev.baton.core.engine.ClusterFixture.TENANT;
import static dev.baton.core.engine.ClusterFixture.TTL;
import static dev.baton.core.engine.EngineFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How cluster nodes claim runs when things go wrong: a failed claim, a store outage, a cancel racing a claim, a node
 * cut off from the store, a lost lease, a drain racing a claim. Several engines share one in-memory store; time moves
 * only when the test moves the clocks.
 */
class ClusterClaimsTest {
    private static final EngineConfig ONE_AT_A_TIME = EngineConfig.DEFAULT.withMaxRunningRuns(1);

    private ClusterFixture cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

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

    @Test
    void a_child_whose_claim_failed_is_claimed_without_a_free_slot_and_its_parent_finishes() {
        cluster = new ClusterFixture("claims-parent", "cluster-child");
        HookedLeases leases = new HookedLeases(cluster.store.leases());
        leases.failClaim = 2; // the parent's claim passes, its child's fails once
        Node a = cluster.add("a", ONE_AT_A_TIME, LoadShedding.OFF, leases);

        Run parent = a.start("claims-parent", "{}");
        eventually("the child's claim failed", () -> leases.claimCalls() >= 2);
        cluster.advanceAll(TTL.multipliedBy(2));

        RunView done = a.finish(parent);
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.run().outputs().path("text").asText()).isEqualTo("solo!");
        assertThat(cluster.executions).extracting(ClusterFixture.Execution::node).containsExactly("a");
    }

    @Test
    void a_failed_claim_of_a_new_run_does_not_stop_the_node_claiming_queued_runs() {
        cluster = new ClusterFixture("one");
        HookedLeases leases = new HookedLeases(cluster.store.leases());
        leases.failClaim = 1;
        Node a = cluster.add("a", EngineConfig.DEFAULT, LoadShedding.OFF, leases);

        Run run = a.start("one", "{name: x}");

        // no clock moves: no heartbeat, no poll; the WorkAvailable of the failed fast path is enough
        eventually("a claims the queued run at once", () -> a.gate.entered.get() == 1);
        a.gate.release(1);
        assertThat(a.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void right_after_a_store_outage_a_node_still_claims_unowned_queued_runs() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a", ONE_AT_A_TIME, LoadShedding.OFF);
        FailingLeases leasesOfB = new FailingLeases(cluster.store.leases(), cluster.storeClock);
        Node b = cluster.add("b", EngineConfig.DEFAULT, LoadShedding.OFF, leasesOfB);
        Run busy = a.start("one", "{name: busy}");
        eventually("a is busy", () -> a.gate.entered.get() == 1);
        leasesOfB.down = true;
        eventually("b's heartbeat failed twice (so the first failure is recorded)", () -> {
            if (leasesOfB.failedRenewals.get() < 2) {
                cluster.advance(HEARTBEAT, b);
            }
            return leasesOfB.failedRenewals.get() >= 2;
        });
        leasesOfB.down = false;
        eventually("b renews once the store is back", () -> {
            if (leasesOfB.backAt == null) {
                cluster.advance(HEARTBEAT, b);
            }
            return leasesOfB.backAt != null;
        });

        Run queued = a.start("one", "{name: queued}"); // a has no free slot: it stays queued, WorkAvailable
        assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);

        eventually("b claims it within its quiet period", () -> b.gate.entered.get() == 1);
        a.gate.release(1);
        b.gate.release(1);
        assertThat(a.finish(busy).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(a.finish(queued).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(cluster.executors(queued.id())).containsExactly("b");
    }

    @Test
    void the_claim_loop_does_not_start_a_run_cancelled_on_its_node_after_the_claim() {
        cluster = new ClusterFixture("one");
        HookedLeases leases = new HookedLeases(cluster.store.leases());
        Node a = cluster.add("a", EngineConfig.DEFAULT, LoadShedding.OFF, leases);
        Node b = cluster.add("b", ONE_AT_A_TIME, LoadShedding.OFF);
        Run busy = b.start("one", "{name: busy}");
        eventually("b is busy", () -> b.gate.entered.get() == 1);
        leases.holdNextClaim();

        Run run = b.start("one", "{name: cancelled}"); // queued: a's claim loop claims it and is held
        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        eventually("a's claim loop holds the run", () -> leases.held.getCount() == 0);
        Run cancelled = a.engine.cancel(TENANT, run.id(), "not needed");
        leases.releaseHeld();

        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(within(Duration.ofMillis(300), () -> a.gate.entered.get() > 0))
                .as("the cancelled run's step started").isFalse();
        assertThat(cluster.store.attempts(run.id())).isEmpty();
        assertThat(a.engine.activeRuns()).isZero();
        b.gate.release(1);
        assertThat(b.finish(busy).run().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void a_claimed_queued_run_honours_a_cancel_journaled_while_another_node_held_its_lease() {
        cluster = new ClusterFixture("one");
        Node a = cluster.add("a", ONE_AT_A_TIME, LoadShedding.OFF);
        Run busy = a.start("one", "{name: busy}");
        eventually("a is busy", () -> a.gate.entered.get() == 1);
        Run run = a.start("one", "{name: doomed}");
        assertThat(cluster.store.leases().claim(run.id(), "ghost", TTL)).as("a node that dies").isPresent();
        a.engine.cancel(TENANT, run.id(), "no longer wanted"); // journaled; the ghost never hears of it
        a.gate.release(1);
        assertThat(a.finish(busy).run().status()).isEqualTo(RunStatus.SUCCEEDED);

        cluster.advance(TTL.plus(POLL), a); // the ghost's lease expires: a claims the run at its poll

        RunView done = a.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(done.run().error().message()).contains("no longer wanted");
        assertThat(cluster.executionsOf(run.id())).as("no step ran").isEmpty();
    }

    @Test
    void a_node_whose_renewals_fail_for_almost_a_lease_ttl_stops_its_runs_before_others_take_them() {
        cluster = new ClusterFixture("one");
        FailingLeases leasesOfA = new FailingLeases(cluster.store.leases(), cluster.storeClock);
        Node a = cluster.add("a", EngineConfig.DEFAULT, LoadShedding.OFF, leasesOfA);
        Node b = cluster.add("b");
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);

        leasesOfA.down = true; // a is cut off from the store; b stands still, so cannot take the run yet
        java.util.function.BooleanSupplier stopped = () -> a.gate.interrupted.get() == 1 && a.engine.activeRuns() == 0;
        for (int beat = 0; beat < 5 && !stopped.getAsBoolean(); beat++) { // heartbeats run asynchronously
            cluster.advance(HEARTBEAT, a);
            within(Duration.ofMillis(200), stopped);
        }
        assertThat(stopped.getAsBoolean()).as("a stopped its run").isTrue();
        assertThat(b.gate.entered.get()).isZero();
        cluster.advance(TTL.plus(POLL), a, b);
        eventually("b takes the run over", () -> b.gate.entered.get() == 1);
        b.gate.release(1);

        RunView done = b.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.run().outputs().path("work").path("node").asText()).isEqualTo("b");
        assertThat(a.gate.passed.get()).as("a's handler did not go on").isZero();
    }

    @Test
    void a_node_whose_renewal_failed_once_keeps_its_runs_when_the_next_renewal_succeeds() {
        cluster = new ClusterFixture("one");
        FailingLeases leasesOfA = new FailingLeases(cluster.store.leases(), cluster.storeClock);
        Node a = cluster.add("a", EngineConfig.DEFAULT, LoadShedding.OFF, leasesOfA);
        Run run = a.start("one", "{name: x}");
        eventually("the run waits at a's gate", () -> a.gate.entered.get() == 1);

        cluster.advance(HEARTBEAT, a); // t=2: renewed
        eventually("a renewed", () -> leasesOfA.cancelChecks.get() == 1);
        leasesOfA.down = true;
        cluster.advance(HEARTBEAT, a); // t=4: fails; silence 2 s, below TTL - HEARTBEAT
        // The failure is counted in the store call; the heartbeat judges it afterwards by a's clock. Moving the clock
        // before that beat is over would have it judge a silence of 4 s at t=6 (and rightly stop the run).
        eventually("a's failed heartbeat is over", () -> leasesOfA.failedRenewals.get() == 1
                && leasesOfA.failedHeartbeatOver());
        assertThat(a.engine.activeRuns()).as("one failed renewal stops no run").isEqualTo(1);
        leasesOfA.down = false;
        cluster.advance(HEARTBEAT, a); // t=6: silence 4 s, but this beat renews first and succeeds
        eventually("a renewed again", () -> leasesOfA.backAt != null && leasesOfA.cancelChecks.get() == 2);

        assertThat(a.gate.interrupted.get()).as("a's run was not stopped").isZero();
        assertThat(a.engine.activeRuns()).isEqualTo(1);
        a.gate.release(1);
        RunView done = a.finish(run);
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(cluster.executors(run.id())).containsExactly("a");
        assertThat(a.gate.passed.get()).isEqualTo(1);
    }

    @Test
    void a_cancel_whose_claim_failed_lets_go_of_the_lease_and_the_run_is_claimed_at_once() {
        cluster = new ClusterFixture("one");
        HookedLeases leases = new HookedLeases(cluster.store.leases());
        leases.failAfterClaim = 2; // the busy run's claim passes; the cancel's claims the run, then its answer is lost
        Node a = cluster.add("a", ONE_AT_A_TIME, LoadShedding.OFF, leases);
        Run busy = a.start("one", "{name: busy}");
        eventually("a is busy", () -> a.gate.entered.get() == 1);
        Run queued = a.start("one", "{name: queued}");
        assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);

        assertThatThrownBy(() -> a.engine.cancel(TENANT, queued.id(), "no longer needed"))
                .isInstanceOf(BatonException.class);
        assertThat(leases.claimCalls()).isEqualTo(2);
        a.gate.release(1);

        // no clock moves: the lease must have been let go of for a's claim loop to take the run when the slot frees
        eventually("a claims the queued run", () -> a.gate.entered.get() == 2);
        a.gate.release(1);
        assertThat(a.finish(busy).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(a.finish(queued).run().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void a_lost_lease_frees_its_slot_and_the_node_claims_the_next_queued_run_at_once() {
        cluster = new ClusterFixture("one");
        Node stale = cluster.add("stale", ONE_AT_A_TIME, LoadShedding.OFF);
        Node b = cluster.add("b", ONE_AT_A_TIME, LoadShedding.OFF);
        Run first = stale.start("one", "{name: first}");
        eventually("the run waits at the stale node's gate", () -> stale.gate.entered.get() == 1);
        cluster.advance(TTL.plus(POLL), b); // the stale node pauses; b takes its run over and is full
        eventually("b takes the run over", () -> b.gate.entered.get() == 1);
        Run next = stale.start("one", "{name: next}");
        assertThat(next.status()).isEqualTo(RunStatus.QUEUED);

        stale.gate.release(1); // its append is refused (LEASE_LOST): it lets go of the run and its slot

        // the stale node's clock still stands still: no poll, the freed slot must wake its claim loop
        eventually("the stale node claims the queued run", () -> stale.gate.entered.get() == 2);
        assertThat(cluster.executors(next.id())).containsExactly("stale");
        stale.gate.release(1);
        b.gate.release(1);
        assertThat(b.finish(first).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(b.finish(next).run().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void drain_waits_for_a_claim_under_way_and_hands_back_the_run_it_claimed() throws Exception {
        cluster = new ClusterFixture("one");
        HookedLeases leases = new HookedLeases(cluster.store.leases());
        Node a = cluster.add("a", EngineConfig.DEFAULT, LoadShedding.OFF, leases);
        Node b = cluster.add("b", ONE_AT_A_TIME, LoadShedding.OFF);
        Run busy = b.start("one", "{name: busy}");
        eventually("b is busy", () -> b.gate.entered.get() == 1);
        leases.holdNextClaim();
        Run run = b.start("one", "{name: claimed}");
        eventually("a's claim loop holds the run", () -> leases.held.getCount() == 0);

        AtomicInteger handedBack = new AtomicInteger(-1);
        Thread drain = Thread.ofVirtual().start(() -> handedBack.set(a.engine.drain(Duration.ZERO)));
        eventually("the drain waits for the claim", () -> drain.getState() == Thread.State.TIMED_WAITING
                || !drain.isAlive());
        leases.releaseHeld();
        assertThat(drain.join(Duration.ofSeconds(30))).isTrue();

        assertThat(handedBack.get()).as("runs handed back").isEqualTo(1);
        assertThat(a.engine.activeRuns()).isZero();
        b.gate.release(2); // b's run and the handed-back one, which b takes (at once if it was started already)
        assertThat(b.finish(busy).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(b.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(cluster.executors(run.id())).contains("b");
    }
}
