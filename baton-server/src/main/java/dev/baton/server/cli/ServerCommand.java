package dev.baton.server.cli;

import dev.baton.core.error.BatonException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code baton server}: serves the REST API until the process is stopped. SIGTERM or Ctrl-C stops it gracefully
 * ({@link dev.baton.server.NodeShutdown}: drain, then the listener, then the node).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Start the Baton server (REST API under /api/v1) and print its URL. Stop with Ctrl-C or "
                      + "SIGTERM: running runs get cluster.drainTimeout (30s) to finish, the rest are handed back.")
final class ServerCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", description = "Interface to bind (default: the configuration's, else 127.0.0.1).")
    String host;

    @Option(names = {"-p", "--port"}, description = "TCP port, 0 for any free one (default: the configuration's, "
            + "else 8080).")
    Integer port;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: ./baton.yaml when present); BATON_* variables apply on top.")
    Path config;

    ServerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (port != null && (port < 0 || port > 65_535)) {
            throw BatonException.invalidInput("--port", "must be between 0 and 65535, got " + port);
        }
        if (config != null && !Files.isRegularFile(config)) {
            throw BatonException.invalidInput("--config", "configuration file '" + config + "' does not exist");
        }
        try (CliBackend.RunningServer server = context.backend().startServer(host, port, config)) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close));
            // Liveness answers from here on; the line below is printed once every route serves (scripts wait for it).
            server.awaitReady();
            PrintWriter out = spec.commandLine().getOut();
            out.println("Baton server listening on " + server.url() + " (API: " + server.url() + ApiClient.BASE_PATH
                    + ", OpenAPI: " + server.url() + ApiClient.BASE_PATH + "/openapi.json)");
            out.flush();
            server.awaitTermination();
        }
        return BatonCli.OK;
    }
}
