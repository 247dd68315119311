package dev.baton.bench.gateway;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The {@code baton.yaml} a harness gives its {@link BatonProcess}: the embedding model off or on ({@code ai}),
 * and a {@code gateway:} section with one chat alias over OpenAI-compatible deployments, the response cache on or
 * off, and nothing else: breakers, retries, timeouts, health and accounting keep their documented defaults
 * (docs/configuration.md) unless a deployment line says otherwise.
 *
 * @param alias       the model alias clients send
 * @param strategy    load-balancing strategy of the alias ({@code round-robin}, ...)
 * @param deployments its deployments, in order
 * @param cache       whether the exact-match response cache is enabled (clients send {@code no-cache} anyway)
 * @param ai          whether the in-process embedding model is loaded ({@code ai.enabled})
 * @param settings    further lines of the {@code gateway:} section, indented by two spaces (e.g.
 *                    {@code "  retry: {maxAttempts: 3}\n"}), or empty
 */
record GatewayYaml(String alias, String strategy, List<Upstream> deployments, boolean cache, boolean ai,
                   String settings) {

    /**
     * One deployment.
     *
     * @param id      deployment id (admin routes: {@code /api/v1/gateway/deployments/{id}})
     * @param baseUrl the fake's API root
     * @param model   the upstream model name
     * @param extra   extra YAML flow-mapping entries for the deployment (e.g. {@code "breaker: {windowSize: 20}"}),
     *                or empty
     */
    record Upstream(String id, URI baseUrl, String model, String extra) {
        Upstream {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(model, "model");
            extra = extra == null ? "" : extra;
        }
    }

    GatewayYaml {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(strategy, "strategy");
        deployments = List.copyOf(deployments);
        settings = settings == null ? "" : settings;
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("an alias needs a deployment");
        }
    }

    /** The file's content (without {@code dataDir}, which {@link BatonProcess} adds). */
    String render() {
        String lines = deployments.stream().map(d -> "        - {id: " + d.id() + ", provider: openai, baseUrl: \""
                + d.baseUrl() + "\", model: " + d.model() + (d.extra().isEmpty() ? "" : ", " + d.extra()) + "}")
                .collect(Collectors.joining("\n"));
        return """
                ai:
                  enabled: %s
                gateway:
                  cache: {enabled: %s}
                %s  models:
                    %s:
                      strategy: %s
                      deployments:
                %s
                security:
                  egress:
                    allow: [127.0.0.1]   # the fake upstreams listen on the loopback, denied by default
                """.formatted(ai, cache, settings, alias, strategy, lines);
    }
}
