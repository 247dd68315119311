package dev.baton.observability.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;

import java.time.Instant;
import java.util.UUID;

/** Runs for the run-window tests. */
final class Runs {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Runs() {
    }

    static Run run(RunStatus status) {
        return new Run(UUID.randomUUID().toString(), "default", "wf", 1, status, 0,
                JsonNodeFactory.instance.objectNode(), null, null, null, null, null, T0, T0, status.isTerminal() ? T0 : null);
    }

    static Run child(RunStatus status) {
        return new Run(UUID.randomUUID().toString(), "default", "wf", 1, status, 0,
                JsonNodeFactory.instance.objectNode(), null, null, null, "parent", "step", T0, T0, T0);
    }
}
