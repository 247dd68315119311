package dev.baton.server.durability;

import dev.baton.server.TestEgress;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.function.BooleanSupplier;

import static dev.baton.server.durability.RunViews.attemptSummary;
import static dev.baton.server.durability.RunViews.countByStatus;
import static dev.baton.server.durability.RunViews.interrupted;
import static dev.baton.server.durability.RunViews.statuses;
import static dev.baton.server.durability.RunViews.step;
import static dev.baton.server.durability.RunViews.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability, end to end: the real {@code baton server} in a child JVM on an H2 file store is killed with SIGKILL
 * while runs are in every phase — finished, in flight, still queued — then started again on the same store and
 * killed again while it resumes, then started a third time (and killed once more during a burst of runs at full
 * speed, see {@link BurstRuns}). Every unfinished run must resume and succeed:
 * completed steps are not run again (their outputs come from the journal), interrupted steps are retried (without
 * using up their retry budget), queued runs start, map steps and child runs re-attach, no accepted run is lost or
 * duplicated.
 *
 * <p>The main workflow calls a {@link SideEffectServer} in this JVM: {@code a} (http POST /a) → {@code b} (http
 * POST /b, held by the server so it is in flight at the kill) → {@code c} (transform of both answers); see
 * {@link FanOutRuns} for the map/child-run workflow beside it. The server records calls with their
 * {@code Idempotency-Key} ({@code <runId>/<stepId>}), which is how the test sees what was executed and how often;
 * each answer carries a unique token, so an output that came from the journal is told apart from a second call's.
 */
@Timeout(value = 300) // a guard against hangs only: on an idle 2-core machine the test takes about 20 s
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "destroyForcibly is TerminateProcess there, not SIGKILL")
class CrashResumeTest {
    private static final String WORKFLOW = "crash-resume";
    /** The longest wait for one condition; generous, as CI machines may be busy. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RUNS = 20;
    /** Run slots left for crash-resume runs by the engine's run limit (the crash-fan runs take the others). */
    private static final int MAX_RUNNING = 12;
    /** Calls the crash-fan runs (and their child runs) keep in flight. */
    private static final int FAN_HELD = FanOutRuns.RUNS * FanOutRuns.HELD_PER_RUN;
    /** Runs 0..FAST-1 get their /b answer at once and finish before the first kill. */
    private static final int FAST = 4;
    private static final Map<String, String> LIMITS = Map.of("BATON_ENGINE_MAX_RUNNING_RUNS",
            Integer.toString(MAX_RUNNING + FanOutRuns.RUNS));

    @TempDir
    Path dir;

    private final List<ChildProcess> children = new ArrayList<>();
    private final List<String> childLogs = new ArrayList<>();
    private SideEffectServer sideEffects;
    private final Instant started = Instant.now();

    @RegisterExtension
    final TestWatcher printChildLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            childLogs.forEach(System.err::println);
            if (sideEffects != null) {
                System.err.println("----- side-effect calls -----\n" + sideEffects.describeCalls());
            }
        }
    };

    @AfterEach
    void stopEverything() {
        for (ChildProcess child : children) {
            child.close();
            childLogs.add(child.logTail(150));
        }
        if (sideEffects != null) {
            sideEffects.close();
        }
    }

    @Test
    void every_unfinished_run_resumes_after_the_server_process_is_killed() throws Exception {
        // Runs 0..3 finish before the kill; the others hang in step b (the first 12 admitted) or wait in the queue
        // behind them (the last 4).
        sideEffects = new SideEffectServer(call -> call.path().equals("/b") && call.n() >= FAST
                                                   || FanOutRuns.held(call));
        ChildProcess first = launch("first");
        JsonApi api = new JsonApi(first.awaitListening());
        phase("first child: " + first.logLine("Baton server listening"));
        register(api);
        FanOutRuns.register(api, sideEffects.url());
        BurstRuns.register(api, sideEffects.url());
        List<String> fanIds = FanOutRuns.start(api);
        await("the crash-fan runs hold their calls", () -> sideEffects.heldNow() == FAN_HELD);
        Map<Integer, String> runIds = startRuns(api);
        phase("started " + RUNS + " + " + FanOutRuns.RUNS + " runs");
        await(FAST + " runs succeeded, " + MAX_RUNNING + " holding in step b, the rest queued", () -> {
            Map<String, Long> counts = countByStatus(statuses(api, WORKFLOW));
            return sideEffects.heldNow() == MAX_RUNNING + FAN_HELD && counts.getOrDefault("succeeded", 0L) == FAST
                   && counts.getOrDefault("running", 0L) == MAX_RUNNING
                   && counts.getOrDefault("queued", 0L) == RUNS - FAST - MAX_RUNNING;
        });
        Map<String, String> before = statuses(api, WORKFLOW);
        Map<String, String> tokenOfA = checkBeforeTheKill(api, runIds);
        Map<String, String> tokenOfItem0 = FanOutRuns.checkInFlight(api, fanIds);
        Set<String> allRuns = allRuns(api);
        crash(first);
        phase("killed the first child");

        // The second process resumes: in-flight runs retry b (held again), queued runs stay queued behind them.
        sideEffects.releaseHeld();
        ChildProcess second = launch("second");
        JsonApi recovering = new JsonApi(second.awaitListening());
        phase("second child: " + second.logLine("Baton server listening") + " / " + second.logLine("resumed"));
        await("the " + MAX_RUNNING + " resumed runs retried step b, the rest still queued", () ->
                sideEffects.heldNow() == MAX_RUNNING + FAN_HELD
                && countByStatus(statuses(recovering, WORKFLOW)).getOrDefault("queued", 0L) == RUNS - FAST - MAX_RUNNING);
        assertThat(statuses(recovering, WORKFLOW)).as("runs seen by the second process").isEqualTo(before);
        for (Map.Entry<Integer, String> run : runIds.entrySet()) {
            if (Phase.of(run.getKey()) == Phase.IN_FLIGHT) {
                assertThat(attemptSummary(step(recovering.get("/runs/" + run.getValue()), "b")))
                        .as("step b of run %d while the second process runs it", run.getKey())
                        .containsExactly(interrupted(1), "2:running");
            }
        }
        crash(second);
        phase("killed the second child while it was resuming");

        // The third process finishes everything.
        sideEffects.stopHolding();
        ChildProcess third = launch("third");
        JsonApi resumed = new JsonApi(third.awaitListening());
        phase("third child: " + third.logLine("Baton server listening") + " / " + third.logLine("resumed"));
        await("all runs succeeded after the restart", () -> Stream.of(WORKFLOW, FanOutRuns.WORKFLOW)
                .flatMap(workflow -> statuses(resumed, workflow).values().stream()).allMatch("succeeded"::equals));
        phase("all runs succeeded");

        assertThat(statuses(resumed, WORKFLOW).keySet()).as("no accepted run lost, none added").isEqualTo(before.keySet());
        for (Map.Entry<Integer, String> run : runIds.entrySet()) {
            checkResumed(run.getKey(), resumed.get("/runs/" + run.getValue()), tokenOfA.get(run.getValue()));
        }
        FanOutRuns.checkResumed(resumed, fanIds, tokenOfItem0, sideEffects);
        assertThat(allRuns(resumed)).as("no run lost or added, of any workflow").isEqualTo(allRuns);
        // Starting again with the same Idempotency-Key returns the run accepted before the crash.
        assertThat(startRuns(resumed)).isEqualTo(runIds);
        assertThat(statuses(resumed, WORKFLOW)).hasSize(RUNS);

        // Last, a burst at full speed, killed wherever its runs happen to be.
        List<String> burst = BurstRuns.start(resumed);
        await("a quarter of the burst succeeded", () -> countByStatus(statuses(resumed, BurstRuns.WORKFLOW))
                .getOrDefault("succeeded", 0L) >= BurstRuns.RUNS / 4);
        crash(third);
        phase("killed the third child during a burst of " + BurstRuns.RUNS + " runs");
        ChildProcess fourth = launch("fourth");
        JsonApi afterBurst = new JsonApi(fourth.awaitListening());
        phase("fourth child: " + fourth.logLine("resumed"));
        await("the burst succeeded after the restart", () -> statuses(afterBurst, BurstRuns.WORKFLOW).values()
                .stream().allMatch("succeeded"::equals));
        assertThat(statuses(afterBurst, BurstRuns.WORKFLOW).keySet()).as("burst runs")
                .containsExactlyInAnyOrderElementsOf(burst);
        int interrupted = BurstRuns.checkResumed(afterBurst, burst, sideEffects);
        phase("burst succeeded; " + interrupted + " of its attempts were interrupted by the kill");

        Set<String> everyRun = allRuns(afterBurst);
        assertThat(sideEffects.calls()).as("every side effect belongs to a run").allMatch(call ->
                call.idempotencyKey() != null && everyRun.contains(
                        call.idempotencyKey().substring(0, Math.max(0, call.idempotencyKey().lastIndexOf('/')))));
    }

    /** Checks every run's state just before the first kill; returns run id → the token step a got. */
    private static Map<String, String> checkBeforeTheKill(JsonApi api, Map<Integer, String> runIds) {
        Map<String, String> tokenOfA = new HashMap<>();
        for (Map.Entry<Integer, String> run : runIds.entrySet()) {
            int n = run.getKey();
            JsonNode view = api.get("/runs/" + run.getValue());
            Phase phase = Phase.of(n);
            assertThat(view.path("status").asText()).as("run %d before the kill", n).isEqualTo(phase.statusBeforeKill);
            if (phase == Phase.QUEUED) {
                assertThat(view.path("steps")).as("steps of queued run %d before the kill", n).isEmpty();
                continue;
            }
            JsonNode a = step(view, "a");
            assertThat(attemptSummary(a)).as("step a of run %d before the kill", n).containsExactly("1:succeeded");
            tokenOfA.put(run.getValue(), token(a.path("attempts").get(0)));
            if (phase == Phase.IN_FLIGHT) {
                assertThat(attemptSummary(step(view, "b"))).as("step b of run %d before the kill", n)
                        .containsExactly("1:running");
            }
        }
        return tokenOfA;
    }

    /**
     * Checks a run after the last restart: succeeded; step a called once (and, when it had finished before the
     * kill, its output is the one journaled then); step b interrupted twice then retried when it was in flight,
     * else called once; step c once; the outputs made of the answers that were used.
     */
    private void checkResumed(int n, JsonNode view, String tokenOfABeforeKill) {
        String id = view.path("id").asText();
        Phase phase = Phase.of(n);
        List<SideEffectServer.Call> callsOfA = sideEffects.calls("/a", id + "/a");
        List<SideEffectServer.Call> callsOfB = sideEffects.calls("/b", id + "/b");

        assertThat(callsOfA).as("/a calls of %s run %d: a completed step never runs again", phase, n).hasSize(1);
        JsonNode a = step(view, "a");
        assertThat(attemptSummary(a)).as("attempts of step a, %s run %d", phase, n).containsExactly("1:succeeded");
        assertThat(token(a.path("attempts").get(0))).as("step a's output, %s run %d", phase, n)
                .isEqualTo(callsOfA.getFirst().token());
        if (phase != Phase.QUEUED) {
            assertThat(tokenOfABeforeKill).as("step a's output before the kill, %s run %d", phase, n)
                    .isEqualTo(callsOfA.getFirst().token());
        }
        JsonNode b = step(view, "b");
        if (phase == Phase.IN_FLIGHT) {
            assertThat(callsOfB).as("/b calls of %s run %d: two interrupted calls, then the retry", phase, n).hasSize(3);
            // maxAttempts is 1: attempts interrupted by a crash do not use up the step's attempts.
            assertThat(attemptSummary(b)).as("attempts of step b, %s run %d", phase, n)
                    .containsExactly(interrupted(1), interrupted(2), "3:succeeded");
        } else {
            assertThat(callsOfB).as("/b calls of %s run %d", phase, n).hasSize(1);
            assertThat(attemptSummary(b)).as("attempts of step b, %s run %d", phase, n).containsExactly("1:succeeded");
        }
        assertThat(attemptSummary(step(view, "c"))).as("attempts of step c, %s run %d", phase, n)
                .containsExactly("1:succeeded");
        JsonNode result = view.path("outputs").path("result");
        assertThat(result.path("n").asInt(-1)).as("output n of run %d", n).isEqualTo(n);
        assertThat(result.path("a").asText()).as("output a of run %d", n).isEqualTo(callsOfA.getFirst().token());
        assertThat(result.path("b").asText()).as("output b of run %d", n).isEqualTo(callsOfB.getLast().token());
    }

    /** Where a run was when the first process was killed (runs are admitted in the order they were started). */
    private enum Phase {
        /** Finished before the kill. */
        FINISHED("succeeded"),
        /** Step a done, step b's call held by the side-effect server. */
        IN_FLIGHT("running"),
        /** Not admitted yet: no step started. */
        QUEUED("queued");

        final String statusBeforeKill;

        Phase(String statusBeforeKill) {
            this.statusBeforeKill = statusBeforeKill;
        }

        static Phase of(int n) {
            return n < FAST ? FINISHED : n < FAST + MAX_RUNNING ? IN_FLIGHT : QUEUED;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    // --- the child process ----------------------------------------------------------------------------------------

    private ChildProcess launch(String name) throws IOException {
        Map<String, String> env = new HashMap<>(LIMITS);
        env.put("BATON_DATA_DIR", dir.toString());
        env.put("BATON_STORE", "h2");
        env.put("BATON_HOST", "127.0.0.1");
        env.put("BATON_PORT", "0");
        env.put("BATON_EGRESS_ALLOW", TestEgress.LOOPBACK_VARIABLE); // the side-effect server is on the loopback
        ChildProcess child = ChildProcess.launch(dir, name, env);
        children.add(child);
        return child;
    }

    /** SIGKILL, and proof that it was one: the exit status says the process died of signal 9. */
    private static void crash(ChildProcess child) throws InterruptedException {
        assertThat(child.isAlive()).as("child alive before the kill").isTrue();
        assertThat(child.kill()).as("exit status of the killed child (128 + SIGKILL)")
                .isEqualTo(ChildProcess.SIGKILL_EXIT);
    }

    // --- the workflow and its runs ---------------------------------------------------------------------------------

    private void register(JsonApi api) {
        String source = """
                id: %s
                description: a -> b -> c, calling a counting side-effect server
                inputs:
                  type: object
                  properties:
                    n: {type: integer}
                  required: [n]
                steps:
                  a:
                    uses: http
                    with:
                      url: "%s/a"
                      method: POST
                      body: {n: "{{ inputs.n }}"}
                  b:
                    uses: http
                    needs: [a]
                    with:
                      url: "%s/b"
                      method: POST
                      body: {n: "{{ inputs.n }}", a: "{{ steps.a.output.body.token }}"}
                      timeout: 60s
                    retry: {maxAttempts: 1}
                  c:
                    uses: transform
                    needs: [b]
                    with:
                      value:
                        n: "{{ inputs.n }}"
                        a: "{{ steps.a.output.body.token }}"
                        b: "{{ steps.b.output.body.token }}"
                outputs:
                  result: "{{ steps.c.output }}"
                """.formatted(WORKFLOW, sideEffects.url(), sideEffects.url());
        JsonApi.Response response = api.post("/workflows", "application/yaml", source, Map.of());
        assertThat(response.status()).as("register: %s", response.body()).isEqualTo(201);
    }

    /**
     * Starts runs n = 0..RUNS-1 in one batch request with Idempotency-Key {@code crash-batch} (run n gets the key
     * {@code crash-batch/n}); returns n → run id.
     */
    private static Map<Integer, String> startRuns(JsonApi api) {
        StringBuilder inputs = new StringBuilder();
        for (int n = 0; n < RUNS; n++) {
            inputs.append(n == 0 ? "" : ", ").append("{\"n\": ").append(n).append('}');
        }
        JsonApi.Response response = api.post("/workflows/" + WORKFLOW + "/runs/batch", "application/json",
                "{\"inputs\": [" + inputs + "]}", Map.of("Idempotency-Key", "crash-batch"));
        assertThat(response.status()).as("start %d runs: %s", RUNS, response.body()).isEqualTo(202);
        Map<Integer, String> ids = new LinkedHashMap<>();
        for (JsonNode run : response.body().path("items")) {
            ids.put(run.path("inputs").path("n").asInt(-1), run.path("id").asText());
        }
        assertThat(ids).as("runs started").hasSize(RUNS).containsKeys(0, RUNS - 1);
        return ids;
    }

    /** The ids of every run of the four workflows. */
    private static Set<String> allRuns(JsonApi api) {
        return Stream.of(WORKFLOW, FanOutRuns.WORKFLOW, FanOutRuns.CHILD_WORKFLOW, BurstRuns.WORKFLOW)
                .flatMap(workflow -> statuses(api, workflow).keySet().stream()).collect(Collectors.toSet());
    }

    /** Progress on stdout (in the surefire report), with the time since the test started. */
    private void phase(String what) {
        System.out.printf("[crash-test +%5d ms] %s%n", Duration.between(started, Instant.now()).toMillis(), what);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #WAIT}. */
    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + WAIT + " waiting until " + what);
            }
            assertThat(children.getLast().isAlive()).as("child process alive while waiting until %s", what).isTrue();
            Thread.sleep(50);
        }
    }
}
