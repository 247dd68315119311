package dev.baton.server.cli;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.workflow.Workflow;

import java.nio.file.Path;

/**
 * The production backend: Baton's composition root. Wired to the server module's node once it exists.
 */
final class NodeBackend implements CliBackend {

    @Override
    public Workflow validate(String source, String sourceName) {
        throw notWired();
    }

    @Override
    public LocalNode openLocal(Path dataDir) {
        throw notWired();
    }

    @Override
    public RunningServer startServer(String host, int port, Path configFile) {
        throw notWired();
    }

    private static BatonException notWired() {
        return new BatonException(ErrorCode.NOT_READY, "this build has no composition root yet");
    }
}
