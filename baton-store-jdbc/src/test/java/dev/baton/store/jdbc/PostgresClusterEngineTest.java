package dev.baton.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two engines as two nodes of a cluster on one real PostgreSQL (leases, fencing and LISTEN/NOTIFY of this
 * module, the engine's cluster mode of baton-core): runs started on either node complete, are awaited from the
 * other, execute every step once; a draining node hands its runs to the other.
 */
class PostgresClusterEngineTest {
    private static final String WORKFLOW = """
            id: chain
            defaults:
              retry: {maxAttempts: 1}
            steps:
              a: {uses: work, with: {value: "{{ inputs.n }}"}}
              b: {uses: work, with: {value: "{{ steps.a.output.value + 1 }}"}}
              c: {uses: work, with: {value: "{{ steps.b.output.value + 1 }}"}}
            outputs:
              result: "{{ steps.c.output.value }}"
            """;
    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;
    private final List<String> executions = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    /** While set, step b waits here (until opened or interrupted). */
    private volatile CountDownLatch gate;
    private volatile CountDownLatch inGate = new CountDownLatch(0);

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        stores = Databases.openPostgres(postgres);
    }

    @AfterAll
    static void stop() throws IOException {
        stores.close();
        postgres.close();
    }

    @BeforeEach
    void empty() {
        Databases.empty(stores);
    }

    @AfterEach
    void closeNodes() throws Exception {
        CountDownLatch open = gate;
        if (open != null) {
            open.countDown();
        }
        for (AutoCloseable closeable : closing.reversed()) {
            closeable.close();
        }
    }

    @Test
    void runs_started_on_either_node_complete_once_and_are_awaited_from_the_other() throws Exception {
        LocalEngine a = node("a");
        LocalEngine b = node("b");
        List<Run> started = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            started.add((i % 2 == 0 ? a : b).start(request(i)));
        }

        for (int i = 0; i < started.size(); i++) {
            Run run = started.get(i);
            RunView view = (i % 2 == 0 ? b : a).completion("default", run.id()).get(60, TimeUnit.SECONDS);
            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(view.run().outputs().path("result").asInt()).isEqualTo(run.inputs().path("n").asInt() + 2);
            assertThat(executions).as("each step of run %s executed once", run.id())
                    .filteredOn(e -> e.startsWith(run.id() + " ")).containsExactlyInAnyOrder(
                            run.id() + " a 1", run.id() + " b 1", run.id() + " c 1");
            assertJournalConsistent(run);
        }
    }

    @Test
    void a_draining_node_hands_its_runs_to_the_other() throws Exception {
        gate = new CountDownLatch(1);
        inGate = new CountDownLatch(3);
        LocalEngine a = node("a");
        List<Run> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            started.add(a.start(request(i)));
        }
        assertThat(inGate.await(60, TimeUnit.SECONDS)).as("all runs in step b on node a").isTrue();
        LocalEngine b = node("b");

        int handedBack = a.drain(Duration.ZERO);
        gate.countDown();

        assertThat(handedBack).isEqualTo(3);
        for (Run run : started) {
            RunView view = b.completion("default", run.id()).get(60, TimeUnit.SECONDS);
            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(executions).as("step a is not repeated; the interrupted step b runs again")
                    .filteredOn(e -> e.startsWith(run.id() + " a ")).hasSize(1);
            assertThat(executions).filteredOn(e -> e.startsWith(run.id() + " c ")).hasSize(1);
            assertThat(Databases.lease(stores, run.id()).owner()).isEqualTo("b");
            assertJournalConsistent(run);
        }
    }

    private static void assertJournalConsistent(Run run) {
        List<RunEvent> events = stores.runs().events(run.id(), 0, 1000);
        assertThat(events).extracting(RunEvent::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).filteredOn(e -> e.entry() instanceof JournalEntry.RunStarted).hasSize(1);
        assertThat(events).filteredOn(e -> e.entry() instanceof JournalEntry.RunFinished).hasSize(1);
        assertThat(events.getLast().entry()).isInstanceOf(JournalEntry.RunFinished.class);
    }

    private static StartRequest request(int n) {
        return StartRequest.of("default", "chain", JsonNodeFactory.instance.objectNode().put("n", n * 10));
    }

    private LocalEngine node(String id) {
        Workflow workflow = new WorkflowParser().parse(WORKFLOW, "chain.yaml").withVersion(1);
        ClusterSignals signals = stores.signals();
        closing.add(signals);
        ClusterSettings settings = ClusterSettings.defaults(id)
                .withLeaseTtl(Duration.ofSeconds(3), Duration.ofSeconds(1))
                .withPollInterval(Duration.ofMillis(200));
        LocalEngine engine = LocalEngine.builder(stores.runs(), (tenant, wf, version) -> workflow,
                        StepRegistry.of(List.of(new Work())))
                .cluster(settings, stores.leases(), signals)
                .build();
        closing.add(engine);
        engine.resumeUnfinished();
        return engine;
    }

    /** Records "<runId> <stepId> <attempt>"; step b waits at the gate while there is one. */
    private final class Work implements StepHandler {
        @Override
        public String type() {
            return "work";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of("value"), Set.of());
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            executions.add(context.runId() + " " + context.stepId() + " " + context.attempt());
            CountDownLatch closed = gate;
            if (context.stepId().equals("b") && closed != null && closed.getCount() > 0) {
                inGate.countDown();
                closed.await();
            }
            return JsonNodeFactory.instance.objectNode().put("value", arguments.path("value").asInt());
        }
    }
}
