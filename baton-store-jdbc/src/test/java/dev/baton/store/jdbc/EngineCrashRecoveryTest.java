package dev.baton.store.jdbc;

import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.RunView;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills (SIGKILL) a real JVM running the engine on the embedded H2 store in the middle of runs, then resumes them
 * in this JVM: completed steps are not executed again (their outputs come from the journal), interrupted steps
 * are retried, and every run succeeds.
 */
class EngineCrashRecoveryTest {
    private static final int RUNS = 3;

    @TempDir
    Path data;

    @Test
    void runs_killed_mid_flight_resume_without_repeating_completed_steps() throws Exception {
        Files.createFile(data.resolve("block"));
        List<String> runIds = startRunsInAChildJvmAndKillIt();
        Files.delete(data.resolve("block"));

        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data));
             LocalEngine engine = CrashingEngine.engine(stores.runs(), data)) {
            assertThat(engine.resumeUnfinished()).isEqualTo(RUNS);
            for (String runId : runIds) {
                RunView view = engine.completion("default", runId).get(60, TimeUnit.SECONDS);

                assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
                int n = view.run().inputs().path("n").asInt();
                assertThat(view.run().outputs().path("result").asInt()).isEqualTo(n + 2);
                assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("b"))
                        .extracting(StepAttempt::attempt, StepAttempt::status)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, AttemptStatus.FAILED),
                                org.assertj.core.groups.Tuple.tuple(2, AttemptStatus.SUCCEEDED));
                assertThat(view.attempts().stream().filter(a -> a.stepId().equals("b")).findFirst().orElseThrow()
                        .error().code()).isEqualTo("interrupted");
            }
        }

        List<String> log = Files.readAllLines(data.resolve("invocations.log"));
        for (String runId : runIds) {
            assertThat(log).as("step a of run %s ran once, before the crash", runId)
                    .filteredOn(line -> line.startsWith(runId + " a ")).hasSize(1);
            assertThat(log).as("step b of run %s ran before the crash and again after", runId)
                    .filteredOn(line -> line.startsWith(runId + " b ")).containsExactly(runId + " b 1", runId + " b 2");
            assertThat(log).filteredOn(line -> line.startsWith(runId + " c ")).hasSize(1);
        }
    }

    private List<String> startRunsInAChildJvmAndKillIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingEngine.class.getName(), data.toString(), Integer.toString(RUNS))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> started = new ArrayList<>();
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (started.size() < RUNS && (line = lines.readLine()) != null) {
                if (line.startsWith("started ")) {
                    started.add(line.substring("started ".length()));
                }
            }
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, nothing flushed or closed
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(started).as("runs inside step b when the JVM was killed").hasSize(RUNS);
        return started;
    }
}
