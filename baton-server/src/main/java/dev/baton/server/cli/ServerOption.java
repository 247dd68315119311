package dev.baton.server.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The {@code --server}, {@code --api-key} and {@code --json} options shared by the client commands. The key goes
 * out as {@code Authorization: Bearer}; prefer {@code BATON_API_KEY} to {@code --api-key}, which other users of
 * the machine can see in the process list.
 */
final class ServerOption {
    /** The server used when neither {@code --server} nor {@code BATON_SERVER} says otherwise. */
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    @Option(names = {"-s", "--server"}, paramLabel = "URL",
            description = "The Baton server (default: $BATON_SERVER or " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key for a server with authentication on (default: $BATON_API_KEY).")
    String apiKey;

    @Option(names = "--json", description = "Print the server's JSON answer.")
    boolean json;

    ApiClient client(CliContext context) {
        String url = server != null ? server : context.env().getOrDefault("BATON_SERVER", DEFAULT_SERVER);
        String key = apiKey != null ? apiKey : context.env().get("BATON_API_KEY");
        return new ApiClient(url, key == null || key.isBlank() ? null : key.strip(), context.json(),
                Duration.ofSeconds(60));
    }
}
