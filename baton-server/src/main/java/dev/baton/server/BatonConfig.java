package dev.baton.server;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.engine.LoadShedding;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.observability.ObservabilityConfig;
import dev.baton.server.security.SecurityConfig;
import dev.baton.server.transport.CorsSettings;
import dev.baton.server.transport.HeaderSettings;
import dev.baton.server.transport.TlsSettings;
import dev.baton.store.jdbc.StoreConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a Baton node needs to start: where its data lives, which store it uses, where the HTTP server
 * listens, the engine's limits and how the embedding model is loaded. Immutable; every value is validated in
 * the compact constructors with a message naming the offending setting.
 *
 * <p>Loaded by {@link ConfigSource} from an optional YAML file overridden by environment variables; the
 * defaults ({@link #defaults()}) are the embedded setup: H2 in {@code ./data/baton}, 127.0.0.1:8080.
 *
 * @param dataDir directory for the embedded database and other local state
 * @param store   which run/workflow store to open
 * @param server  the HTTP listener and request limits
 * @param engine  the engine's concurrency and queue limits
 * @param ai      how the embedding model is loaded
 * @param http    the {@code http} step's client settings
 * @param gateway the AI gateway: model aliases, deployments, client keys, limits, cache (see
 *                {@link dev.baton.gateway.config.GatewayConfigReader})
 * @param observability metrics, tracing, logs, host monitoring and alerts (see
 *                {@link dev.baton.observability.ObservabilityConfigReader})
 * @param cluster this node's id and, when the store is PostgreSQL (cluster mode), its leases, heartbeats, polling
 *                and drain timeout (see {@link ClusterConfigReader}); the node id is also used on a single node
 *                (health, logs, metrics)
 * @param security authentication, tenants and quotas, egress policy and secrets (see
 *                {@link dev.baton.server.security.SecurityConfigReader} and docs/security.md)
 */
public record BatonConfig(Path dataDir, Store store, Server server, Engine engine, Ai ai, Http http,
                          GatewayConfig gateway, ObservabilityConfig observability, ClusterSettings cluster,
                          SecurityConfig security) {

    public BatonConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(ai, "ai");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(observability, "observability");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(security, "security");
    }

    /** A configuration with the default security settings ({@link SecurityConfig#DEFAULT}: auth off, loopback). */
    public BatonConfig(Path dataDir, Store store, Server server, Engine engine, Ai ai, Http http,
                       GatewayConfig gateway, ObservabilityConfig observability, ClusterSettings cluster) {
        this(dataDir, store, server, engine, ai, http, gateway, observability, cluster, SecurityConfig.DEFAULT);
    }

    /** A configuration with the default cluster settings ({@link ClusterSettings#defaults()}, a fresh node id). */
    public BatonConfig(Path dataDir, Store store, Server server, Engine engine, Ai ai, Http http,
                       GatewayConfig gateway, ObservabilityConfig observability) {
        this(dataDir, store, server, engine, ai, http, gateway, observability, ClusterSettings.defaults());
    }

    /** A configuration with the default observability settings ({@link ObservabilityConfig#DEFAULT}). */
    public BatonConfig(Path dataDir, Store store, Server server, Engine engine, Ai ai, Http http,
                       GatewayConfig gateway) {
        this(dataDir, store, server, engine, ai, http, gateway, ObservabilityConfig.DEFAULT);
    }

    /** A configuration with {@link Http#DEFAULT} http settings and no gateway models of its own. */
    public BatonConfig(Path dataDir, Store store, Server server, Engine engine, Ai ai) {
        this(dataDir, store, server, engine, ai, Http.DEFAULT);
    }

    /** A configuration with no gateway models of its own ({@link GatewayConfig#EMPTY}). */
    public BatonConfig(Path dataDir, Store store, Server server, Engine engine, Ai ai, Http http) {
        this(dataDir, store, server, engine, ai, http, GatewayConfig.EMPTY);
    }

    /** The embedded default: H2 under {@code ./data}, 127.0.0.1:8080, model loaded in the background. */
    public static BatonConfig defaults() {
        Path dataDir = Path.of("data");
        return new BatonConfig(dataDir, Store.h2(dataDir), Server.DEFAULT, Engine.DEFAULT, Ai.DEFAULT);
    }

    /** An in-memory node (nothing written to disk); for tests and throw-away local runs. */
    public static BatonConfig inMemory() {
        return defaults().withStore(Store.MEMORY);
    }

    public BatonConfig withStore(Store newStore) {
        return new BatonConfig(dataDir, newStore, server, engine, ai, http, gateway, observability, cluster, security);
    }

    public BatonConfig withServer(Server newServer) {
        return new BatonConfig(dataDir, store, newServer, engine, ai, http, gateway, observability, cluster, security);
    }

    public BatonConfig withEngine(Engine newEngine) {
        return new BatonConfig(dataDir, store, server, newEngine, ai, http, gateway, observability, cluster, security);
    }

    public BatonConfig withAi(Ai newAi) {
        return new BatonConfig(dataDir, store, server, engine, newAi, http, gateway, observability, cluster, security);
    }

    public BatonConfig withHttp(Http newHttp) {
        return new BatonConfig(dataDir, store, server, engine, ai, newHttp, gateway, observability, cluster, security);
    }

    public BatonConfig withGateway(GatewayConfig newGateway) {
        return new BatonConfig(dataDir, store, server, engine, ai, http, newGateway, observability, cluster, security);
    }

    public BatonConfig withObservability(ObservabilityConfig newObservability) {
        return new BatonConfig(dataDir, store, server, engine, ai, http, gateway, newObservability, cluster, security);
    }

    public BatonConfig withCluster(ClusterSettings newCluster) {
        return new BatonConfig(dataDir, store, server, engine, ai, http, gateway, observability, newCluster, security);
    }

    /** This configuration with {@code newEgress} as {@code security.egress} (tests allow-list their loopback fakes). */
    public BatonConfig withEgress(dev.baton.server.security.EgressSettings newEgress) {
        return withSecurity(security.withEgress(newEgress));
    }

    public BatonConfig withSecurity(SecurityConfig newSecurity) {
        return new BatonConfig(dataDir, store, server, engine, ai, http, gateway, observability, cluster, newSecurity);
    }

    /** Whether the node runs as one node of a cluster: exactly when its store is PostgreSQL (shared). */
    public boolean clustered() {
        return store.type() == StoreType.POSTGRESQL;
    }

    /** The kind of store. */
    public enum StoreType {
        /** Embedded H2 database file (the default). */
        H2,
        /** A PostgreSQL server. */
        POSTGRESQL,
        /** Nothing persisted: runs and workflows are lost when the process ends. */
        MEMORY;

        /** Lower-case name used in configuration, e.g. {@code postgresql}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a configuration name; throws INVALID_INPUT naming the setting for anything else. */
        public static StoreType parse(String setting, String value) {
            for (StoreType type : values()) {
                if (type.configName().equalsIgnoreCase(value.trim())) {
                    return type;
                }
            }
            throw invalid(setting, "must be one of h2, postgresql, memory, got '" + value + "'");
        }
    }

    /**
     * The store.
     *
     * @param type     h2, postgresql or memory
     * @param url      the JDBC URL (h2 and postgresql); {@code null} for memory
     * @param user     database user, may be {@code null}
     * @param password database password, may be {@code null}
     * @param poolSize maximum JDBC connections, 1..200
     * @param connectionTimeout longest wait for a connection before a request fails with 503 (store down),
     *                 250 ms..10 min, default 5 s
     * @param socketTimeout longest wait for the database's answer to a call before it fails with 503 (database
     *                 cut off without a TCP reset, e.g. a network partition), 0 for none, else 1 s..24 h, default
     *                 60 s (PostgreSQL only; see {@link StoreConfig#socketTimeout()})
     */
    public record Store(StoreType type, String url, String user, String password, int poolSize,
                        Duration connectionTimeout, Duration socketTimeout) {
        public static final Store MEMORY = new Store(StoreType.MEMORY, null, null, null, 1);

        public Store {
            Objects.requireNonNull(type, "store.type");
            Objects.requireNonNull(connectionTimeout, "store.connectionTimeout");
            if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0
                || connectionTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw invalid("store.connectionTimeout", "must be between 250ms and 10m, got "
                        + dev.baton.core.workflow.DurationFormat.format(connectionTimeout));
            }
            Objects.requireNonNull(socketTimeout, "store.socketTimeout");
            if (!socketTimeout.isZero() && (socketTimeout.compareTo(Duration.ofSeconds(1)) < 0
                                            || socketTimeout.compareTo(Duration.ofHours(24)) > 0)) {
                throw invalid("store.socketTimeout", "must be 0s (none) or between 1s and 24h, got "
                        + dev.baton.core.workflow.DurationFormat.format(socketTimeout));
            }
            if (poolSize < 1 || poolSize > 200) {
                throw invalid("store.poolSize", "must be between 1 and 200, got " + poolSize);
            }
            switch (type) {
                case H2 -> {
                    if (url == null || !url.startsWith("jdbc:h2:")) {
                        throw invalid("store.url", "an h2 store needs a jdbc:h2: URL, got " + url);
                    }
                }
                case POSTGRESQL -> {
                    if (url == null || !url.startsWith("jdbc:postgresql:")) {
                        throw invalid("store.url",
                                "a postgresql store needs a jdbc:postgresql://host:port/db URL, got " + url);
                    }
                }
                case MEMORY -> {
                    // nothing to check
                }
            }
        }

        /** With the default connection timeout ({@link StoreConfig#DEFAULT_CONNECTION_TIMEOUT}, 5 s). */
        public Store(StoreType type, String url, String user, String password, int poolSize) {
            this(type, url, user, password, poolSize, StoreConfig.DEFAULT_CONNECTION_TIMEOUT);
        }

        /** With the default socket timeout ({@link StoreConfig#DEFAULT_SOCKET_TIMEOUT}, 60 s). */
        public Store(StoreType type, String url, String user, String password, int poolSize,
                     Duration connectionTimeout) {
            this(type, url, user, password, poolSize, connectionTimeout, StoreConfig.DEFAULT_SOCKET_TIMEOUT);
        }

        /** The embedded H2 file {@code <dataDir>/baton}, with the store's durability settings. */
        public static Store h2(Path dataDir) {
            StoreConfig embedded = StoreConfig.h2(dataDir);
            return new Store(StoreType.H2, embedded.url(), embedded.user(), embedded.password(), embedded.poolSize());
        }

        /** Hides the password, so configurations can be logged. */
        @Override
        public String toString() {
            return "Store[type=" + type.configName() + ", url=" + url + ", user=" + user
                   + ", password=" + (password == null || password.isEmpty() ? "<none>" : "***")
                   + ", poolSize=" + poolSize + ", connectionTimeout=" + connectionTimeout
                   + ", socketTimeout=" + socketTimeout + "]";
        }
    }

    /**
     * The HTTP listener.
     *
     * @param host           interface to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port           TCP port, 0..65535 (0 picks a free port)
     * @param maxRequestSize largest accepted request body in bytes, 1 KiB..1 GiB; larger bodies get 413
     * @param maxWait        the longest {@code ?wait=} a start-and-wait request may ask for
     * @param tls            HTTPS from PEM files, or {@code null} for plain HTTP (default)
     * @param cors           cross-origin access for browser clients; default {@link CorsSettings#OFF}
     * @param headers        the security headers of every response; default {@link HeaderSettings#DEFAULT}
     */
    public record Server(String host, int port, long maxRequestSize, Duration maxWait, TlsSettings tls,
                         CorsSettings cors, HeaderSettings headers) {
        public static final Server DEFAULT = new Server("127.0.0.1", 8080, 1024 * 1024, Duration.ofMinutes(5));

        public Server {
            if (host == null || host.isBlank()) {
                throw invalid("server.host", "must not be empty");
            }
            if (port < 0 || port > 65535) {
                throw invalid("server.port", "must be between 0 and 65535, got " + port);
            }
            if (maxRequestSize < 1024 || maxRequestSize > 1024L * 1024 * 1024) {
                throw invalid("server.maxRequestSize", "must be between 1KiB and 1GiB, got " + maxRequestSize + " bytes");
            }
            Objects.requireNonNull(maxWait, "server.maxWait");
            if (maxWait.isNegative() || maxWait.isZero()) {
                throw invalid("server.maxWait", "must be positive, got " + maxWait);
            }
            Objects.requireNonNull(cors, "server.cors");
            Objects.requireNonNull(headers, "server.headers");
        }

        /** Plain HTTP, no CORS, the default security headers. */
        public Server(String host, int port, long maxRequestSize, Duration maxWait) {
            this(host, port, maxRequestSize, maxWait, null, CorsSettings.OFF, HeaderSettings.DEFAULT);
        }

        public Server withAddress(String newHost, int newPort) {
            return new Server(newHost, newPort, maxRequestSize, maxWait, tls, cors, headers);
        }

        /** With HTTPS ({@code null}: plain HTTP). */
        public Server withTls(TlsSettings newTls) {
            return new Server(host, port, maxRequestSize, maxWait, newTls, cors, headers);
        }

        public Server withCors(CorsSettings newCors) {
            return new Server(host, port, maxRequestSize, maxWait, tls, newCors, headers);
        }

        public Server withHeaders(HeaderSettings newHeaders) {
            return new Server(host, port, maxRequestSize, maxWait, tls, cors, newHeaders);
        }

        public Server withMaxRequestSize(long newMaxRequestSize) {
            return new Server(host, port, newMaxRequestSize, maxWait, tls, cors, headers);
        }
    }

    /**
     * The engine's limits (passed to the engine's own configuration).
     *
     * @param maxRunningRuns        runs executing at once, admitted from the queue by priority, 1..1000000
     * @param maxQueuedRuns         runs waiting for admission before starts are refused with 429, 0..10000000
     * @param maxConcurrentAttempts step attempts executing handlers at once across the node, 1..1000000
     * @param stepTypeLimits        per step type concurrency limits overriding the handlers' own (type → limit)
     * @param loadShedding          from which queue depth (the cluster's in cluster mode) runs below a priority are
     *                              refused with 429; default {@link LoadShedding#DEFAULT}
     */
    public record Engine(int maxRunningRuns, int maxQueuedRuns, int maxConcurrentAttempts,
                         Map<String, Integer> stepTypeLimits, LoadShedding loadShedding) {
        public static final Engine DEFAULT = new Engine(10_000, 100_000, 10_000, Map.of());

        /** With the default load shedding ({@link LoadShedding#DEFAULT}). */
        public Engine(int maxRunningRuns, int maxQueuedRuns, int maxConcurrentAttempts,
                      Map<String, Integer> stepTypeLimits) {
            this(maxRunningRuns, maxQueuedRuns, maxConcurrentAttempts, stepTypeLimits, LoadShedding.DEFAULT);
        }

        public Engine {
            Objects.requireNonNull(loadShedding, "engine.loadShedding");
            range("engine.maxRunningRuns", maxRunningRuns, 1, 1_000_000);
            range("engine.maxQueuedRuns", maxQueuedRuns, 0, 10_000_000);
            range("engine.maxConcurrentAttempts", maxConcurrentAttempts, 1, 1_000_000);
            stepTypeLimits = Map.copyOf(stepTypeLimits);
            stepTypeLimits.forEach((type, limit) -> range("engine.stepTypeLimits." + type, limit, 0, 1_000_000));
        }

        private static void range(String setting, int value, int min, int max) {
            if (value < min || value > max) {
                throw invalid(setting, "must be between " + min + " and " + max + ", got " + value);
            }
        }
    }

    /**
     * The embedding model.
     *
     * @param enabled          load the in-process embedding model; when false the {@code embed},
     *                         {@code similarity} and {@code classify} steps are still known (workflows validate)
     *                         but fail at run time, and nothing is loaded (saves ~2 s of CPU and ~100 MB)
     * @param loadInBackground load the model on a background thread at start (readiness reports when it is
     *                         loaded); when false, {@link BatonNode#open} blocks until it is loaded
     */
    public record Ai(boolean enabled, boolean loadInBackground) {
        public static final Ai DEFAULT = new Ai(true, true);
        /** No model: for nodes that run no AI steps (tests, validation). */
        public static final Ai DISABLED = new Ai(false, true);
    }

    /**
     * Settings of the {@code http} step.
     *
     * @param clients how many JDK HTTP clients the step spreads its requests over, round-robin (1..256; each is
     *                built on first use); more than one avoids contention inside one client with thousands of
     *                concurrent requests
     */
    public record Http(int clients) {
        /** 8 clients. */
        public static final Http DEFAULT = new Http(8);

        public Http {
            if (clients < 1 || clients > 256) {
                throw invalid("http.clients", "must be between 1 and 256, got " + clients);
            }
        }
    }

    static BatonException invalid(String setting, String message) {
        return BatonException.invalidInput(setting, message);
    }
}
