package dev.baton.core.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The run store contract through a {@link ForwardingRunStore} that overrides nothing, over the in-memory store. */
class ForwardingRunStoreTest extends RunStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    protected RunStore emptyStore() {
        return new ForwardingRunStore(new InMemoryRunStore()) {
        };
    }

    /** Notes which creating method of the store it wraps was called. */
    private static final class CallLog extends ForwardingRunStore {
        final List<String> calls = new ArrayList<>();

        CallLog() {
            super(new InMemoryRunStore());
        }

        @Override
        public Run create(Run run) {
            calls.add("create");
            return super.create(run);
        }

        @Override
        public List<Run> createAll(List<Run> runs) {
            calls.add("createAll");
            return super.createAll(runs);
        }
    }

    @Test
    void create_all_reaches_the_delegates_create_all_not_the_one_by_one_default() {
        CallLog delegate = new CallLog();
        RunStore forwarding = new ForwardingRunStore(delegate) {
        };

        List<Run> stored = forwarding.createAll(List.of(queued("r1"), queued("r2")));

        assertThat(stored).extracting(Run::id).containsExactly("r1", "r2");
        assertThat(delegate.calls).containsExactly("createAll");
    }

    private static Run queued(String id) {
        return new Run(id, "default", "wf", 1, RunStatus.QUEUED, 0, JsonNodeFactory.instance.objectNode(), null, null,
                null, null, null, T0, null, null);
    }
}
