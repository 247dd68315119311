package dev.baton.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine side of {@link EngineCrashRecoveryTest}: a three-step workflow whose middle step blocks while a
 * {@code block} file exists in the data directory, and a handler that logs every invocation to
 * {@code invocations.log}. {@link #main} starts runs on the H2 store and prints {@code started <runId>} once each
 * run is inside its blocking step, then waits to be killed.
 */
public final class CrashingEngine {
    static final String WORKFLOW = """
            id: crash
            defaults:
              retry: {maxAttempts: 1}
            steps:
              a: {uses: work, with: {value: "{{ inputs.n }}"}}
              b: {uses: work, with: {value: "{{ steps.a.output.value + 1 }}"}}
              c: {uses: work, with: {value: "{{ steps.b.output.value + 1 }}"}}
            outputs:
              result: "{{ steps.c.output.value }}"
            """;

    private CrashingEngine() {
    }

    /** An engine over the H2 store in {@code data} running the crash workflow with the logging handler. */
    static LocalEngine engine(RunStore runs, Path data) {
        Workflow workflow = new WorkflowParser().parse(WORKFLOW, "crash.yaml").withVersion(1);
        return LocalEngine.builder(runs, (tenant, id, version) -> workflow, StepRegistry.of(List.of(new Work(data))))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        JdbcStores stores = JdbcStores.open(StoreConfig.h2(data));
        LocalEngine engine = engine(stores.runs(), data);
        for (int i = 0; i < count; i++) {
            var inputs = JsonNodeFactory.instance.objectNode().put("n", i * 10);
            engine.start(dev.baton.core.engine.StartRequest.of("default", "crash", inputs));
        }
        Thread.sleep(Long.MAX_VALUE); // killed by the test
    }

    /** Logs "<runId> <stepId> <attempt>" per invocation; blocks in step b while the block file exists. */
    static final class Work implements StepHandler {
        private static final ReentrantLock LOG_LOCK = new ReentrantLock();
        private final Path data;

        Work(Path data) {
            this.data = data;
        }

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
            log(data.resolve("invocations.log"), context.runId() + " " + context.stepId() + " " + context.attempt());
            if (context.stepId().equals("b") && Files.exists(data.resolve("block"))) {
                System.out.println("started " + context.runId());
                System.out.flush();
                while (!context.isCancelled()) {
                    Thread.sleep(1000);
                }
            }
            return JsonNodeFactory.instance.objectNode().put("value", arguments.path("value").asInt());
        }

        private static void log(Path file, String line) {
            LOG_LOCK.lock();
            try {
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                LOG_LOCK.unlock();
            }
        }
    }
}
