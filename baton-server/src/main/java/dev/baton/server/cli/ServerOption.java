package dev.baton.server.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The {@code --server} and {@code --json} options shared by the client commands. */
final class ServerOption {
    /** The server used when neither {@code --server} nor {@code BATON_SERVER} says otherwise. */
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    @Option(names = {"-s", "--server"}, paramLabel = "URL",
            description = "The Baton server (default: $BATON_SERVER or " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--json", description = "Print the server's JSON answer.")
    boolean json;

    ApiClient client(CliContext context) {
        String url = server != null ? server : context.env().getOrDefault("BATON_SERVER", DEFAULT_SERVER);
        return new ApiClient(url, context.json(), Duration.ofSeconds(60));
    }
}
