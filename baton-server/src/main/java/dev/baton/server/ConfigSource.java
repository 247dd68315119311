package dev.baton.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;
import dev.baton.gateway.config.ConfigTree;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.observability.ObservabilityConfig;
import dev.baton.observability.ObservabilityConfigReader;
import dev.baton.server.security.SecurityConfig;
import dev.baton.server.security.SecurityConfigReader;
import dev.baton.server.transport.TransportConfigReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.baton.server.ConfigValues.bool;
import static dev.baton.server.ConfigValues.integer;
import static dev.baton.server.ConfigValues.setting;
import static dev.baton.server.ConfigValues.text;

/**
 * Loads a {@link BatonConfig}: defaults, then an optional YAML file, then environment variables (which win).
 *
 * <p>The YAML file (all keys optional):
 * <pre>{@code
 * dataDir: ./data
 * store:
 *   type: h2            # h2 | postgresql | memory
 *   url: jdbc:postgresql://localhost:5432/baton
 *   user: baton
 *   password: secret
 *   poolSize: 8
 *   connectionTimeout: 5s # longest wait for a connection: requests fail fast (503) while the database is down
 *   socketTimeout: 60s    # longest wait for the database's answer (0s: none): 503 instead of a hang on a partition
 * server:
 *   host: 127.0.0.1
 *   port: 8080
 *   maxRequestSize: 1MiB  # bytes, or with KiB/MiB/GiB (also KB/MB/GB, same meaning)
 *   maxWait: 5m           # longest ?wait= of start-and-wait
 *   tls: {certificate: cert.pem, privateKey: key.pem}   # HTTPS only + HSTS (TransportConfigReader)
 *   cors: {allowedOrigins: [https://console.example.com]} # off by default
 *   headers: {enabled: true, set: {X-Frame-Options: SAMEORIGIN}} # security headers of every response
 * engine:                 # read by EngineConfigReader
 *   maxRunningRuns: 10000
 *   maxQueuedRuns: 100000
 *   maxConcurrentAttempts: 10000
 *   stepTypeLimits: {embed: 4}
 *   loadShedding: {queueDepth: 50000, minPriority: 0}   # 429 for lower priorities from this queue depth
 * ai:
 *   enabled: true
 *   loadInBackground: true
 * http:
 *   clients: 8            # JDK HTTP clients the http step spreads requests over (1..256)
 * gateway:                # the AI gateway; read by GatewayConfigReader (see docs/configuration.md)
 *   models: {...}
 *   keys: [...]
 * observability:          # metrics, tracing, logs, system monitoring, alerts; see docs/operations.md
 *   tracing: {...}
 * cluster:                # node id, leases, drain timeout; read by ClusterConfigReader
 *   nodeId: baton-1
 * security:               # auth, tenants and quotas, egress, secrets; read by SecurityConfigReader
 *   auth: {...}
 * }</pre>
 *
 * <p>Environment variables: {@code BATON_DATA_DIR}, {@code BATON_STORE} (type), {@code BATON_STORE_URL},
 * {@code BATON_STORE_USER}, {@code BATON_STORE_PASSWORD}, {@code BATON_STORE_POOL_SIZE}, {@code BATON_HOST},
 * {@code BATON_PORT}, {@code BATON_MAX_REQUEST_SIZE}, {@code BATON_MAX_WAIT},
 * {@code BATON_ENGINE_MAX_CONCURRENT_STEPS}, {@code BATON_ENGINE_MAX_QUEUED_RUNS},
 * {@code BATON_STORE_CONNECTION_TIMEOUT}, {@code BATON_STORE_SOCKET_TIMEOUT},
 * {@code BATON_ENGINE_LOAD_SHEDDING_QUEUE_DEPTH}, {@code BATON_ENGINE_LOAD_SHEDDING_MIN_PRIORITY}, the {@code cluster:} ones of
 * {@link ClusterConfigReader#ENVIRONMENT} ({@code BATON_NODE_ID}, {@code BATON_CLUSTER_LEASE_TTL}, ...),
 * {@code BATON_AI_LOAD_IN_BACKGROUND}, {@code BATON_HTTP_CLIENTS}, {@code BATON_GATEWAY_FILE} (a YAML or JSON file
 * holding the {@code gateway:} section's content, replacing the section of the main file; e.g. a mounted
 * Kubernetes ConfigMap). Setting {@code BATON_STORE_URL} alone infers the type from the URL.
 * {@code BATON_LOG_FORMAT} and {@code BATON_LOG_LEVEL} override {@code observability.logs} (applied by
 * {@link dev.baton.server.logging.LogOutput}, not here).
 *
 * <p>Unknown keys, wrong types and out-of-range values fail with {@link BatonException} {@code INVALID_INPUT}
 * naming the setting (and the file line/column for YAML). Stateless; thread-safe.
 */
public final class ConfigSource {
    /** The file looked for in the working directory when no {@code --config} is given. */
    public static final Path DEFAULT_FILE = Path.of("baton.yaml");

    /** Every environment variable read, for documentation and {@code baton --help}. */
    public static final List<String> ENVIRONMENT = List.of("BATON_DATA_DIR", "BATON_STORE", "BATON_STORE_URL",
            "BATON_STORE_USER", "BATON_STORE_PASSWORD", "BATON_STORE_POOL_SIZE", "BATON_STORE_CONNECTION_TIMEOUT",
            "BATON_STORE_SOCKET_TIMEOUT", "BATON_HOST", "BATON_PORT", "BATON_MAX_REQUEST_SIZE", "BATON_MAX_WAIT",
            "BATON_ENGINE_MAX_RUNNING_RUNS",
            "BATON_ENGINE_MAX_QUEUED_RUNS", "BATON_ENGINE_MAX_CONCURRENT_ATTEMPTS",
            "BATON_ENGINE_LOAD_SHEDDING_QUEUE_DEPTH", "BATON_ENGINE_LOAD_SHEDDING_MIN_PRIORITY", "BATON_AI_ENABLED",
            "BATON_AI_LOAD_IN_BACKGROUND", "BATON_HTTP_CLIENTS", "BATON_GATEWAY_FILE", "BATON_LOG_FORMAT",
            "BATON_LOG_LEVEL", "BATON_NODE_ID", "BATON_CLUSTER_LEASE_TTL", "BATON_CLUSTER_HEARTBEAT_INTERVAL",
            "BATON_CLUSTER_POLL_INTERVAL", "BATON_CLUSTER_CLAIM_BATCH", "BATON_CLUSTER_DRAIN_TIMEOUT",
            "BATON_AUTH_ENABLED", "BATON_ALLOW_UNAUTHENTICATED", "BATON_AUTH_ALLOW_UNAUTHENTICATED",
            "BATON_OIDC_ISSUER", "BATON_OIDC_AUDIENCE", "BATON_OIDC_JWKS_URL", "BATON_TLS_CERTIFICATE",
            "BATON_TLS_PRIVATE_KEY", "BATON_CORS_ALLOWED_ORIGINS", "BATON_SYSTEM_TENANT", "BATON_EGRESS_ENABLED",
            "BATON_EGRESS_ALLOW", "BATON_EGRESS_DENY", "BATON_SECRETS_DIR", "BATON_SECRETS_ENVIRONMENT",
            "BATON_SECRETS_SHARED");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Set<String>> SECTIONS = sections(Map.of(
            "", Set.of("dataDir", "store", "server", "engine", "ai", "http", GatewayConfigReader.SECTION,
                    ObservabilityConfigReader.SECTION, ClusterConfigReader.SECTION, SecurityConfigReader.SECTION),
            "store", Set.of("type", "url", "user", "password", "poolSize", "connectionTimeout", "socketTimeout"),
            "server", Set.of("host", "port", "maxRequestSize", "maxWait", "tls", "cors", "headers"),
            "engine", Set.of("maxRunningRuns", "maxQueuedRuns", "maxConcurrentAttempts", "stepTypeLimits",
                    "loadShedding"),
            "engine.loadShedding", Set.of("queueDepth", "minPriority"),
            "ai", Set.of("enabled", "loadInBackground"),
            "http", Set.of("clients")), TransportConfigReader.SECTIONS);

    private ConfigSource() {
    }

    @SafeVarargs
    private static Map<String, Set<String>> sections(Map<String, Set<String>>... parts) {
        Map<String, Set<String>> all = new java.util.HashMap<>();
        for (Map<String, Set<String>> part : parts) {
            all.putAll(part);
        }
        return Map.copyOf(all);
    }

    /**
     * Loads the configuration the usual way: {@code file} if given (it must exist), else {@code ./baton.yaml}
     * if it exists, then the process environment.
     */
    public static BatonConfig load(Path file) {
        Path chosen = file != null ? file : (Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null);
        return load(chosen, System.getenv());
    }

    /**
     * Loads from an optional YAML file and the given environment.
     *
     * @param file the YAML file, or {@code null} for none
     * @param env  environment variables (only the {@code BATON_*} ones above are read)
     */
    public static BatonConfig load(Path file, Map<String, String> env) {
        ObjectNode tree = file == null ? YAML.createObjectNode() : readFile(file);
        String label = file == null ? "" : file.toString();
        checkKeys(tree, "", label);
        JsonNode storeNode = tree.path("store");
        JsonNode serverNode = tree.path("server");
        JsonNode engineNode = tree.path("engine");
        JsonNode aiNode = tree.path("ai");
        JsonNode httpNode = tree.path("http");

        BatonConfig defaults = BatonConfig.defaults();
        Path dataDir = Path.of(setting(env, "BATON_DATA_DIR", text(tree, "dataDir"), defaults.dataDir().toString()));

        String url = setting(env, "BATON_STORE_URL", text(storeNode, "url"), null);
        String typeText = setting(env, "BATON_STORE", text(storeNode, "type"), null);
        BatonConfig.StoreType type = typeText != null ? BatonConfig.StoreType.parse("store.type", typeText)
                : url == null ? BatonConfig.StoreType.H2
                : url.startsWith("jdbc:postgresql:") ? BatonConfig.StoreType.POSTGRESQL : BatonConfig.StoreType.H2;
        BatonConfig.Store embedded = BatonConfig.Store.h2(dataDir);
        BatonConfig.Store store = switch (type) {
            case MEMORY -> BatonConfig.Store.MEMORY;
            case H2, POSTGRESQL -> new BatonConfig.Store(type,
                    url != null ? url : type == BatonConfig.StoreType.H2 ? embedded.url() : null,
                    setting(env, "BATON_STORE_USER", text(storeNode, "user"),
                            type == BatonConfig.StoreType.H2 ? embedded.user() : null),
                    setting(env, "BATON_STORE_PASSWORD", text(storeNode, "password"),
                            type == BatonConfig.StoreType.H2 ? embedded.password() : null),
                    integer("store.poolSize", setting(env, "BATON_STORE_POOL_SIZE", text(storeNode, "poolSize"),
                            String.valueOf(embedded.poolSize()))),
                    duration("store.connectionTimeout", setting(env, "BATON_STORE_CONNECTION_TIMEOUT",
                            text(storeNode, "connectionTimeout"), "5s")),
                    duration("store.socketTimeout", setting(env, "BATON_STORE_SOCKET_TIMEOUT",
                            text(storeNode, "socketTimeout"), "60s")));
        };

        BatonConfig.Server d = defaults.server();
        BatonConfig.Server server = new BatonConfig.Server(
                setting(env, "BATON_HOST", text(serverNode, "host"), d.host()),
                integer("server.port", setting(env, "BATON_PORT", text(serverNode, "port"), String.valueOf(d.port()))),
                size("server.maxRequestSize", setting(env, "BATON_MAX_REQUEST_SIZE", text(serverNode, "maxRequestSize"),
                        String.valueOf(d.maxRequestSize()))),
                duration("server.maxWait", setting(env, "BATON_MAX_WAIT", text(serverNode, "maxWait"), "5m")),
                TransportConfigReader.tls(serverNode, env), TransportConfigReader.cors(serverNode, env),
                TransportConfigReader.headers(serverNode));

        BatonConfig.Engine engine = EngineConfigReader.read(engineNode, env);

        BatonConfig.Ai ai = new BatonConfig.Ai(
                bool("ai.enabled", setting(env, "BATON_AI_ENABLED", text(aiNode, "enabled"), "true")),
                bool("ai.loadInBackground", setting(env, "BATON_AI_LOAD_IN_BACKGROUND",
                text(aiNode, "loadInBackground"), "true")));
        BatonConfig.Http http = new BatonConfig.Http(integer("http.clients", setting(env, "BATON_HTTP_CLIENTS",
                text(httpNode, "clients"), String.valueOf(BatonConfig.Http.DEFAULT.clients()))));
        return new BatonConfig(dataDir, store, server, engine, ai, http, gateway(tree, label, env),
                observability(tree, label), cluster(tree, label, env), security(tree, label, env));
    }

    /** The security section of the main file and its variables. */
    private static SecurityConfig security(ObjectNode tree, String label, Map<String, String> env) {
        try {
            return SecurityConfigReader.read(tree.get(SecurityConfigReader.SECTION), env);
        } catch (BatonException e) {
            if (label.isEmpty()) {
                throw e;
            }
            throw new BatonException(e.code(), label + ": " + e.getMessage(), e.errors());
        }
    }

    /** The cluster section of the main file and its variables. */
    private static dev.baton.core.cluster.ClusterSettings cluster(ObjectNode tree, String label,
                                                                  Map<String, String> env) {
        try {
            return ClusterConfigReader.read(tree.get(ClusterConfigReader.SECTION), env);
        } catch (BatonException e) {
            if (label.isEmpty()) {
                throw e;
            }
            throw new BatonException(e.code(), label + ": " + e.getMessage(), e.errors());
        }
    }

    /** The gateway section: from {@code BATON_GATEWAY_FILE} when set, else from the main file. */
    private static GatewayConfig gateway(ObjectNode tree, String label, Map<String, String> env) {
        String override = env.get("BATON_GATEWAY_FILE");
        JsonNode section = tree.get(GatewayConfigReader.SECTION);
        String source = label;
        if (override != null && !override.isBlank()) {
            Path file = Path.of(override.trim());
            section = readFile(file);
            source = file + " (BATON_GATEWAY_FILE)";
        }
        try {
            return GatewayConfigReader.read(section);
        } catch (BatonException e) {
            if (source.isEmpty()) {
                throw e;
            }
            throw new BatonException(e.code(), source + ": " + e.getMessage(), e.errors());
        }
    }

    /** The observability section of the main file. */
    private static ObservabilityConfig observability(ObjectNode tree, String label) {
        try {
            return ObservabilityConfigReader.read(tree.get(ObservabilityConfigReader.SECTION));
        } catch (BatonException e) {
            if (label.isEmpty()) {
                throw e;
            }
            throw new BatonException(e.code(), label + ": " + e.getMessage(), e.errors());
        }
    }

    private static ObjectNode readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new BatonException(ErrorCode.INVALID_INPUT, "cannot read configuration file " + file + ": " + e.getMessage(),
                    List.of(new FieldError("config", "cannot read " + file)));
        }
        try {
            JsonNode node = YAML.readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw BatonException.invalidInput("config", file + " must contain a YAML mapping");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            SourceLocation where = loc == null ? SourceLocation.UNKNOWN
                    : new SourceLocation(file.toString(), Math.max(0, loc.getLineNr()), Math.max(0, loc.getColumnNr()));
            throw new BatonException(ErrorCode.INVALID_INPUT, file + ": malformed YAML: " + e.getOriginalMessage(),
                    List.of(new FieldError("", "malformed YAML: " + e.getOriginalMessage(), where)));
        }
    }

    private static void checkKeys(JsonNode node, String section, String file) {
        Set<String> allowed = SECTIONS.get(section);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            String path = section.isEmpty() ? key : section + "." + key;
            if (!allowed.contains(key)) {
                String closest = ConfigTree.closest(key, allowed);
                String hint = closest == null ? "" : "; did you mean '" + closest + "'?";
                throw new BatonException(ErrorCode.INVALID_INPUT,
                        (file.isEmpty() ? "" : file + ": ") + "unknown setting '" + path + "'" + hint + "; known: "
                        + allowed, List.of(new FieldError(path, "unknown setting" + hint + "; known: " + allowed)));
            }
            if (SECTIONS.containsKey(path)) {
                JsonNode child = node.get(key);
                if (!child.isObject() && !child.isNull()) {
                    throw BatonException.invalidInput(path, "must be a mapping");
                }
                checkKeys(child, path, file);
            }
        }
    }

    /** Parses {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 2GB} (binary units throughout). */
    static long size(String setting, String value) {
        return ConfigValues.size(setting, value);
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}).
     *
     * @throws BatonException INVALID_INPUT naming {@code setting} when the text is not a duration
     */
    public static Duration duration(String setting, String value) {
        return ConfigValues.duration(setting, value);
    }
}
