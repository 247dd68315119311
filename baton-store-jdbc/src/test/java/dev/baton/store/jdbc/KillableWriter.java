package dev.baton.store.jdbc;

import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static dev.baton.core.store.StoreFixtures.succeeded;

/**
 * The child process of {@link H2DurabilityTest}: writes runs to the H2 store in {@code args[0]} until it is
 * killed, printing {@code ack <runId>} after each run's create and append returned.
 */
public final class KillableWriter {
    private KillableWriter() {
    }

    public static void main(String[] args) {
        JdbcStores stores = JdbcStores.open(StoreConfig.h2(Path.of(args[0])));
        RunStore runs = stores.runs();
        System.out.println("ready");
        System.out.flush();
        for (long i = 0; ; i++) {
            Run run = runs.create(queued("default", "killed", i));
            List<JournalEntry> journal = List.of(runStarted(run, 1), attemptStarted(run, "a", 1, 2),
                    succeeded(run, "a", 1, 3), new JournalEntry.CancelRequested(run.id(), "kill", Instant.now()));
            runs.append(journal);
            System.out.println("ack " + run.id());
            System.out.flush();
        }
    }
}
