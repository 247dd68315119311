package dev.baton.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.ClusterSignal;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PostgreSQL restarting under the stores: calls fail fast with STORE_UNAVAILABLE while it is down, and once it is
 * back (same data directory, same port) the pool and the signals reconnect by themselves.
 */
class PostgresRestartTest {
    @TempDir
    Path data;

    @Test
    void stores_and_signals_come_back_after_a_postgresql_restart() throws Exception {
        EmbeddedPostgres postgres = start(0);
        int port = postgres.getPort();
        StoreConfig config = StoreConfig.postgresql(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 4)
                .withConnectionTimeout(Duration.ofSeconds(1));
        PgClusterSignals.Timing fast = new PgClusterSignals.Timing(Duration.ofMillis(2), Duration.ofMillis(100),
                Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofMillis(500));
        try (JdbcStores stores = JdbcStores.open(config);
             PgClusterSignals signals = PgClusterSignals.start(config, stores.dataSource(), fast)) {
            RunStore runs = stores.runs();
            Run before = runs.create(queued("t", "wf", 1));
            BlockingQueue<ClusterSignal> received = PostgresClusterSignalsTest.received(signals);
            assertThat(signals.awaitListening(Duration.ofSeconds(20))).isTrue();

            postgres.close();

            assertThatThrownBy(() -> runs.create(queued("t", "wf", 2)))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.retriable()).isTrue();
                    });
            signals.publish(new ClusterSignal.WorkAvailable()); // dropped, and does not throw
            assertThat(signals.awaitListening(false, Duration.ofSeconds(30))).as("noticed the lost connection").isTrue();

            postgres = start(port);
            try {
                assertThat(signals.awaitListening(Duration.ofSeconds(30))).as("listening again").isTrue();
                assertThat(PostgresClusterSignalsTest.next(received)).as("synthetic after reconnect")
                        .isEqualTo(new ClusterSignal.WorkAvailable());
                assertThat(PostgresClusterSignalsTest.next(received)).isEqualTo(new ClusterSignal.RunsChanged(Set.of()));

                // as the journal does: a STORE_UNAVAILABLE call is retried, and succeeds once the pool reconnected
                Run after = retried(() -> runs.create(queued("t", "wf", 3)));
                retried(() -> {
                    runs.append(List.of(runStarted(before, 1)));
                    return null;
                });
                assertThat(runs.find("t", after.id())).isPresent();
                assertThat(runs.events(before.id(), 0, 10)).hasSize(1);

                signals.publish(new ClusterSignal.RunsChanged(Set.of(after.id())));
                ClusterSignal next;
                do {
                    // the WorkAvailable published while PostgreSQL was down may come too: the sender may get a
                    // connection within its connection timeout, once the database is back
                    next = PostgresClusterSignalsTest.next(received);
                } while (next instanceof ClusterSignal.WorkAvailable);
                assertThat(next).isEqualTo(new ClusterSignal.RunsChanged(Set.of(after.id())));
            } finally {
                signals.close();
                stores.close();
                postgres.close();
            }
        }
    }

    @Test
    void a_cluster_node_finishes_its_run_across_a_postgresql_restart() throws Exception {
        EmbeddedPostgres postgres = start(0);
        int port = postgres.getPort();
        StoreConfig config = StoreConfig.postgresql(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 4)
                .withConnectionTimeout(Duration.ofSeconds(1));
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch failedAppends = new CountDownLatch(1);
        List<String> executions = new CopyOnWriteArrayList<>();
        JdbcStores stores = JdbcStores.open(config);
        PgClusterSignals signals = PgClusterSignals.start(config, stores.dataSource());
        RunStore failureCounting = new ForwardingRunStore(stores.runs()) {
            @Override
            public void append(List<JournalEntry> entries, String nodeId) {
                try {
                    super.append(entries, nodeId);
                } catch (BatonException e) {
                    failedAppends.countDown();
                    throw e;
                }
            }
        };
        StepHandler work = new StepHandler() {
            @Override
            public String type() {
                return "work";
            }

            @Override
            public StepSignature signature() {
                return new StepSignature(Set.of(), Set.of());
            }

            @Override
            public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
                executions.add(context.stepId() + " " + context.attempt());
                if (context.stepId().equals("b")) {
                    inStep.countDown();
                    release.await();
                }
                return JsonNodeFactory.instance.objectNode().put("step", context.stepId());
            }
        };
        Workflow workflow = new WorkflowParser().parse("""
                id: two
                defaults:
                  retry: {maxAttempts: 1}
                steps:
                  a: {uses: work}
                  b: {uses: work, needs: [a]}
                """, "two.yaml").withVersion(1);
        LocalEngine engine = LocalEngine.builder(failureCounting, (tenant, id, version) -> workflow,
                        StepRegistry.of(List.of(work)))
                .cluster(ClusterSettings.defaults("a").withLeaseTtl(Duration.ofSeconds(3), Duration.ofSeconds(1))
                        .withPollInterval(Duration.ofMillis(200)), stores.leases(), signals)
                .build();
        try {
            engine.resumeUnfinished();
            Run run = engine.start(StartRequest.of("default", "two", JsonNodeFactory.instance.objectNode()));
            assertThat(inStep.await(60, TimeUnit.SECONDS)).isTrue();

            postgres.close();
            release.countDown();
            assertThat(failedAppends.await(60, TimeUnit.SECONDS)).as("the journal met the outage").isTrue();
            postgres = start(port);

            RunView view = engine.completion("default", run.id()).get(60, TimeUnit.SECONDS);
            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(executions).containsExactly("a 1", "b 1");
            assertThat(stores.runs().events(run.id(), 0, 100))
                    .filteredOn(e -> e.entry() instanceof JournalEntry.AttemptFinished).hasSize(2);
        } finally {
            engine.close();
            signals.close();
            stores.close();
            postgres.close();
        }
    }

    private EmbeddedPostgres start(int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg"))
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** Calls until the call does not fail with STORE_UNAVAILABLE (at most 50 times). */
    private static <T> T retried(Supplier<T> call) {
        BatonException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return call.get();
            } catch (BatonException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                last = e;
            }
        }
        throw last;
    }

}
