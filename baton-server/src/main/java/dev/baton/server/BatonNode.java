package dev.baton.server;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.AuditLog;
import dev.baton.core.store.RunAnalytics;
import dev.baton.core.store.RunStore;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.store.WorkflowStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowCatalog;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.server.security.NodeQuotas;
import dev.baton.observability.metrics.NodeMetrics;
import dev.baton.observability.alerts.Monitoring;
import dev.baton.observability.tracing.Tracing;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import dev.baton.server.security.JwtAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running Baton node, wired by hand: the store (H2, PostgreSQL or memory), the AI gateway ({@link GatewayStack}:
 * usage and budgets, cache, router, providers, the in-process embedding model as a {@code local} alias), the step
 * handlers ({@code http}, {@code embed}, {@code similarity}, {@code classify}, {@code llm.chat},
 * {@code llm.classify}; the engine's built-in {@code transform}, {@code sleep}, {@code map}, {@code workflow}), the
 * workflow catalog, the engine, and the bundled templates. Opening it resumes every unfinished run found in the
 * store. The parts are assembled by their own package-private classes and held here: {@link NodeStores},
 * {@link NodeSteps} (model, step handlers, language), {@link NodeSecurity} (API keys, JWT, quotas, audit),
 * {@link NodeObservability}, {@link NodeEngine}, {@link GatewayStack}.
 *
 * <pre>{@code
 * try (BatonNode node = BatonNode.open(ConfigSource.load(null))) {
 *     StoredWorkflow wf = node.register(Files.readString(file), file.toString());
 *     Run run = node.engine().start(StartRequest.of(node.tenantId(), wf.id(), inputs));
 *     RunView done = node.engine().completion(node.tenantId(), run.id()).join();
 * }
 * }</pre>
 *
 * <p>Runs and workflows belong to tenants: the API acts in the tenant of each request's principal; the
 * methods without a tenant (the CLI's local runs) act in the system tenant {@link #tenantId()}
 * ({@code security.systemTenant}, default {@code default}). Thread-safe. {@link #close()} stops the engine (running attempts resume on the next open), then the model
 * (waiting for a background load to finish first), then the store.
 */
public final class BatonNode implements AutoCloseable {
    /** The default system tenant, the tenant of everything created before multi-tenancy. */
    public static final String DEFAULT_TENANT = "default";
    private static final Logger LOG = LoggerFactory.getLogger(BatonNode.class);
    private final BatonConfig config;
    private final NodeStores stores;
    private final NodeSteps steps;
    private final WorkflowCatalog catalog;
    private final LocalEngine engine;
    private final BundledTemplates templates;
    private final NodeGateway gateway;
    private final NodeObservability observability;
    private final NodeDrain drain;
    private final NodeSecurity security;

    private BatonNode(BatonConfig config, NodeStores stores, NodeSteps steps, WorkflowCatalog catalog,
                      LocalEngine engine, BundledTemplates templates, NodeGateway gateway,
                      NodeObservability observability, NodeSecurity security) {
        this.config = config;
        this.stores = stores;
        this.steps = steps;
        this.catalog = catalog;
        this.engine = engine;
        this.templates = templates;
        this.gateway = gateway;
        this.observability = observability;
        this.drain = new NodeDrain(engine, config.cluster());
        this.security = security;
    }

    /**
     * Opens a node: the store (running migrations), the embedding model (in the background unless
     * {@code ai.loadInBackground} is false), the catalog and the engine; then resumes unfinished runs.
     *
     * @throws BatonException STORE_UNAVAILABLE when the store cannot be opened (e.g. another process holds the
     *                        H2 file); STEP_FAILED when the model is loaded in the foreground and fails
     */
    public static BatonNode open(BatonConfig config) {
        return open(config, null);
    }

    /**
     * Opens a node that serves {@code gateway} instead of assembling one from {@code config.gateway()}: for
     * embedding Baton with a gateway stack of one's own (tests use scripted gateways). The node closes
     * {@code gateway.closer()} when it closes.
     *
     * @param gateway the gateway, or {@code null} to assemble the configured one
     * @throws BatonException as {@link #open(BatonConfig)}
     */
    public static BatonNode open(BatonConfig config, NodeGateway gateway) {
        // The store (pool, migrations) opens on its own thread while this one loads the language (parser,
        // validator, CEL): the two are the bulk of start-up and independent until the catalog is built.
        CompletableFuture<NodeStores> opening = NodeStores.openInBackground(config);
        NodeStores stores = null;
        NodeSteps steps = null;
        NodeSecurity security = null;
        LocalEngine engine = null;
        NodeGateway nodeGateway = gateway;
        NodeObservability observability = null;
        try {
            observability = NodeObservability.start(config.observability(), System.getenv());
            // The model starts loading first (NodeSteps), in the background, beside the store and the language:
            // with the HTTP listener already answering liveness (see NodeStartup), what remains is the time to
            // "ready", and the model is its longest part.
            EgressPolicy egress = config.security().egress().policy();
            steps = NodeSteps.start(config, observability.openTelemetry(), egress);
            BundledTemplates templates = BundledTemplates.load(BatonNode.class.getClassLoader());

            stores = NodeStores.await(opening);
            BucketStore buckets = GatewayStack.buckets(stores.shared(), InstantSource.system());
            security = NodeSecurity.assemble(config.security(), stores, buckets);
            BgeSmallEnV15Model model = steps.model();
            if (nodeGateway == null) {
                nodeGateway = GatewayStack.assemble(config.gateway(), model == null ? null : model.name(),
                        steps.models(), stores.usage(), System.getenv(), InstantSource.system(),
                        observability.usageListener(steps.served()), observability.openTelemetry(), stores.shared(),
                        egress, HostResolver.SYSTEM, buckets, security.tenantQuotas());
            }
            steps.bindGateway(nodeGateway.gateway());
            WorkflowCatalog catalog = steps.catalog(stores.workflows());
            engine = NodeEngine.build(config, stores, catalog, steps.registry(), EngineObserver.of(List.of(
                    observability.attach(config.dataDir(), nodeGateway, System.getenv(), InstantSource.system()),
                    security.runQuotas().observer())));
            if (model != null) {
                // Registered before unfinished runs resume (their embed steps wait for it to load).
                steps.models().register(model);
            }
            BatonNode node = new BatonNode(config, stores, steps, catalog, engine, templates, nodeGateway,
                    observability, security);
            observability.bind(engine, steps.served(), nodeGateway, config.cluster().nodeId(), stores.clustered());
            int resumed = engine.resumeUnfinished();
            if (resumed > 0) {
                LOG.info("resumed {} unfinished run(s)", resumed);
            }
            LOG.info("node {} open ({})", config.cluster().nodeId(), stores.clustered()
                    ? "cluster mode on " + stores.label() : "single node on " + stores.label());
            return node;
        } catch (RuntimeException | Error e) {
            if (security != null) {
                security.close();
            }
            NodeTeardown.abandon(engine, steps == null ? null : steps.model(), steps == null ? null : steps.http(),
                    nodeGateway != gateway ? nodeGateway : null, opening, stores, observability);
            throw e;
        }
    }

    /**
     * Parses and validates a definition against every step type a node knows, without opening a node: no store,
     * no model loaded. For {@code baton validate}. The model names of {@code llm.*}, {@code embed},
     * {@code similarity} and {@code classify} steps are checked against the aliases of {@code gateway} (and the
     * in-process model).
     *
     * @return the workflow (version 0)
     * @throws BatonException INVALID_WORKFLOW with every complaint as a field error (line/column where known)
     */
    public static Workflow validateDefinition(String source, String sourceName, GatewayConfig gateway) {
        return NodeSteps.validateDefinition(source, sourceName, gateway);
    }

    /** The configuration the node was opened with. */
    public BatonConfig config() {
        return config;
    }

    /**
     * The system tenant ({@code security.systemTenant}, default {@value #DEFAULT_TENANT}): the tenant of the
     * methods that take none (the CLI's local runs) and of every request while authentication is off.
     */
    public String tenantId() {
        return config.security().systemTenant();
    }

    /** Starts, observes and cancels runs. */
    public LocalEngine engine() {
        return engine;
    }

    /** The stored API keys (same store as the runs; in memory for a memory store). */
    public ApiKeyStore apiKeys() {
        return security.apiKeys();
    }

    /** Verifies OIDC JWT bearer tokens, or {@code null} when {@code security.auth.oidc} is not configured. */
    public JwtAuthenticator jwtAuthenticator() {
        return security.jwt();
    }

    /** Parses, validates, stores and resolves workflow definitions. */
    public WorkflowCatalog catalog() {
        return catalog;
    }

    /** The stores, for health probes and tests in this package. */
    NodeStores stores() {
        return stores;
    }

    public RunStore runStore() {
        return stores.runs();
    }

    public WorkflowStore workflowStore() {
        return stores.workflows();
    }

    /** The append-only audit log of API actions (same store as the runs; in memory for a memory store). */
    public AuditLog auditLog() {
        return security.auditLog();
    }

    /** Figures about runs (per workflow, step and tenant over a window), computed from the run store. */
    public RunAnalytics runAnalytics() {
        return stores.analytics();
    }

    /** The example workflows bundled in the jar. */
    public BundledTemplates templates() {
        return templates;
    }

    /**
     * Validates a definition and stores it as a new version of its workflow in the system tenant (or returns the
     * latest version when the source is identical).
     *
     * @param sourceName a file name or other label used in error locations
     * @throws BatonException INVALID_WORKFLOW with every complaint as a field error (line/column where known)
     */
    public StoredWorkflow register(String source, String sourceName) {
        return register(tenantId(), source, sourceName);
    }

    /**
     * Validates a definition and stores it as a new version of the workflow of {@code tenant} (or returns the
     * latest version when the source is identical).
     *
     * @param sourceName a file name or other label used in error locations
     * @throws BatonException INVALID_WORKFLOW with every complaint as a field error (line/column where known)
     */
    public StoredWorkflow register(String tenant, String source, String sourceName) {
        Workflow registered = catalog.register(tenant, source, sourceName);
        return catalog.source(tenant, registered.id(), registered.version())
                .orElseThrow(() -> new BatonException(ErrorCode.INTERNAL, "workflow '" + registered.id()
                        + "' version " + registered.version() + " was registered but cannot be read back"));
    }

    /**
     * Parses and validates a definition without storing it.
     *
     * @return the workflow (version 0)
     * @throws BatonException INVALID_WORKFLOW with every complaint as a field error
     */
    public Workflow validate(String source, String sourceName) {
        return catalog.validate(source, sourceName);
    }

    /**
     * A stored workflow version, parsed.
     *
     * @param version a version, or 0 for the latest
     * @throws BatonException NOT_FOUND when there is no such workflow or version
     */
    public Workflow resolve(String workflowId, int version) {
        return resolve(tenantId(), workflowId, version);
    }

    /**
     * A stored workflow version of {@code tenant}, parsed.
     *
     * @param version a version, or 0 for the latest
     * @throws BatonException NOT_FOUND when the tenant has no such workflow or version
     */
    public Workflow resolve(String tenant, String workflowId, int version) {
        return catalog.resolve(tenant, workflowId, version);
    }

    /** Deletes a workflow of the system tenant (its versions stay readable for runs); whether it existed. */
    public boolean deleteWorkflow(String workflowId) {
        return deleteWorkflow(tenantId(), workflowId);
    }

    /** Deletes a workflow of {@code tenant} (its versions stay readable for runs); whether it existed. */
    public boolean deleteWorkflow(String tenant, String workflowId) {
        return catalog.delete(tenant, workflowId);
    }

    /** The AI gateway this node serves ({@code /v1} API, {@code llm.*} steps), its admin view and usage store. */
    public NodeGateway gateway() {
        return gateway;
    }

    /** The node's Prometheus metrics ({@code /metrics}), or empty when {@code observability.metrics} is off. */
    public Optional<NodeMetrics> metrics() {
        return observability.metrics();
    }

    /** Host monitoring and alerts (see {@link Monitoring}). */
    public Monitoring monitoring() {
        return observability.monitoring();
    }

    /** The node's tracing: its OpenTelemetry (no-op unless {@code observability.tracing.enabled}). */
    public Tracing tracing() {
        return observability.tracing();
    }

    /** The quotas of tenants and API keys: request and token rates, concurrent runs (docs/security.md "Quotas"). */
    public NodeQuotas quotas() {
        return security.quotas();
    }

    /** The embedding models, by name. */
    public EmbeddingModelRegistry embeddingModels() {
        return steps.models();
    }

    /**
     * Readiness of each component: {@code store} (answers a query, schema migrated to this build's version) and
     * {@code embeddingModel} (loaded, or disabled). Cheap enough for a readiness probe every few seconds.
     */
    public Map<String, ComponentHealth> readiness() {
        return drain.readiness(NodeHealth.readiness(stores, DEFAULT_TENANT, steps.model()));
    }

    /**
     * The detailed health of every component (store, embedding model, engine, each gateway deployment), probed
     * now. {@link HealthReport#status()} is DOWN exactly when {@link #readiness()} has a component not ready.
     */
    public HealthReport health() {
        return drain.report(new NodeHealth(stores, DEFAULT_TENANT, steps.model(), engine, config.engine(),
                gateway.admin(), InstantSource.system()).report());
    }

    /** This node's id ({@code cluster.nodeId}): its lease owner name in a cluster, in health, logs and metrics. */
    public String nodeId() {
        return config.cluster().nodeId();
    }

    /**
     * Graceful shutdown, first half ({@link NodeDrain}; up to {@code cluster.drainTimeout}); call {@link #close()}
     * afterwards. Idempotent: a second call returns 0 at once.
     *
     * @return the runs handed back unfinished
     */
    public int drain() {
        return drain.drain(config.cluster().drainTimeout());
    }

    /** Whether {@link #drain()} was called. */
    public boolean draining() {
        return drain.draining();
    }

    /**
     * Waits until the embedding model is loaded (the CLI does before running workflows that embed).
     *
     * @throws BatonException NOT_READY after {@code timeout}; STEP_FAILED when loading failed
     */
    public void awaitModel(Duration timeout) throws InterruptedException {
        BgeSmallEnV15Model model = steps.model();
        if (model == null) {
            throw new BatonException(ErrorCode.NOT_READY, "the embedding model is disabled (ai.enabled: false)");
        }
        model.awaitReady(timeout);
    }

    /**
     * Stops the engine (running attempts resume on the next open), unloads the model and closes the store
     * ({@link NodeTeardown}).
     */
    @Override
    public void close() {
        security.close();
        NodeTeardown.close(engine, gateway, steps.model(), steps.http(), stores, observability);
    }
}
