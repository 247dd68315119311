package dev.baton.store.jdbc;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunQuery;
import dev.baton.core.store.StoredWorkflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static org.assertj.core.api.Assertions.assertThat;

/** The embedded H2 store across restarts: migrations run once, data stays, and commits survive a SIGKILL. */
class H2DurabilityTest {

    @TempDir
    Path data;

    @Test
    void reopening_the_database_keeps_the_data_and_migrates_nothing_again() throws Exception {
        Run run;
        StoredWorkflow workflow;
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data))) {
            workflow = stores.workflows().save("default", "triage", "id: triage\n");
            run = stores.runs().create(queued("default", "triage", 1));
            stores.runs().append(List.of(runStarted(run, 1), attemptStarted(run, "a", 1, 2)));
        }

        try (JdbcStores reopened = JdbcStores.open(StoreConfig.h2(data))) {
            assertThat(reopened.workflows().latest("default", "triage")).contains(workflow);
            assertThat(reopened.runs().find("default", run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
            assertThat(reopened.runs().attempts(run.id())).singleElement()
                    .extracting(a -> a.status()).isEqualTo(AttemptStatus.RUNNING);
            assertThat(reopened.runs().events(run.id(), 0, 10)).hasSize(2);
            // V1 (runs, workflows), V2 (usage records), V3 (runs.trace_parent), V4 (run leases), V5 (gateway
            // buckets and budgets), V6 (claim index of queued children; nothing on H2), V7 (API keys), V8 (audit
            // log) and V9 (quotas: usage tenant and key, run slots), each once
            assertThat(migrationsApplied(reopened)).isEqualTo(9);
        }
    }

    @Test
    void creates_the_data_directory() {
        Path nested = data.resolve("a/b/c");

        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(nested))) {
            stores.runs().create(queued("default", "wf", 1));
        }

        assertThat(nested.resolve("baton.mv.db")).exists();
    }

    @Test
    void committed_runs_survive_a_sigkill_of_the_jvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillableWriter.class.getName(), data.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < 40 && (line = lines.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acknowledged.add(line.substring(4));
                }
            }
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acknowledged).as("acknowledged writes before the kill").hasSize(40);

        try (JdbcStores reopened = JdbcStores.open(StoreConfig.h2(data))) {
            for (String id : acknowledged) {
                Run run = reopened.runs().find("default", id).orElseThrow(() -> new AssertionError("lost run " + id));
                assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
                assertThat(reopened.runs().attempts(id)).singleElement()
                        .extracting(a -> a.status()).isEqualTo(AttemptStatus.SUCCEEDED);
                assertThat(reopened.runs().events(id, 0, 10)).hasSize(4);
            }
            assertThat(reopened.runs().list("default", RunQuery.firstPage(1000)).items())
                    .hasSizeGreaterThanOrEqualTo(acknowledged.size());
        }
    }

    private static int migrationsApplied(JdbcStores stores) throws Exception {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
