package dev.baton.core.workflow;

import dev.baton.core.error.BatonException;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.store.WorkflowStore;
import dev.baton.core.step.StepRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The registered workflows of every tenant: parses and validates definitions before they are stored, and
 * resolves stored versions for the engine ({@link WorkflowResolver}).
 *
 * <p>Parsed versions are cached (stored versions are immutable), at most {@value #CACHE_LIMIT} of them, least
 * recently used evicted. Resolving "latest" (version 0) asks the store which version is latest every time, so a
 * new registration is seen at once. Thread-safe: the cache lock is never held during store I/O or parsing.
 */
public final class WorkflowCatalog implements WorkflowResolver {
    static final int CACHE_LIMIT = 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkflowCatalog.class);

    private final WorkflowStore store;
    private final WorkflowParser parser;
    private final WorkflowValidator validator;
    private final Map<Key, Workflow> cache = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Workflow> eldest) {
            return size() > CACHE_LIMIT;
        }
    });

    private record Key(String tenantId, String workflowId, int version) {
    }

    /** A catalog knowing the built-in step types and those of {@code registry}. */
    public WorkflowCatalog(WorkflowStore store, StepRegistry registry) {
        this(store, new WorkflowParser(), new WorkflowValidator(registry));
    }

    public WorkflowCatalog(WorkflowStore store, WorkflowParser parser, WorkflowValidator validator) {
        this.store = Objects.requireNonNull(store, "store");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.validator = Objects.requireNonNull(validator, "validator");
    }

    /** The validator, e.g. for {@link InputValidator run input validation}. */
    public WorkflowValidator validator() {
        return validator;
    }

    /**
     * Parses and validates a definition without storing it.
     *
     * @param source     YAML or JSON text
     * @param sourceName file name or label for error messages
     * @return the workflow, version 0
     * @throws BatonException INVALID_WORKFLOW listing every problem with its line and column
     */
    public Workflow validate(String source, String sourceName) {
        return validator.validate(parser, source, sourceName);
    }

    /**
     * Validates and stores a definition as a new version of the workflow named by its {@code id}. Storing the
     * same text as the latest version creates no new version.
     *
     * @return the workflow carrying its stored version number
     * @throws BatonException INVALID_WORKFLOW when invalid; STORE_UNAVAILABLE from the store
     */
    public Workflow register(String tenantId, String source, String sourceName) {
        Objects.requireNonNull(tenantId, "tenantId");
        Workflow workflow = validate(source, sourceName);
        StoredWorkflow stored = store.save(tenantId, workflow.id(), source);
        Workflow versioned = workflow.withVersion(stored.version());
        cache.put(new Key(tenantId, workflow.id(), stored.version()), versioned);
        return versioned;
    }

    /**
     * {@inheritDoc}
     *
     * @throws BatonException NOT_FOUND when the workflow (or that version) does not exist or, for version 0,
     *                        was deleted; INVALID_WORKFLOW when a stored version no longer validates (e.g. a
     *                        step type's plug-in was removed)
     */
    @Override
    public Workflow resolve(String tenantId, String workflowId, int version) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(workflowId, "workflowId");
        if (version < 0) {
            throw BatonException.invalidInput("version", "must be 0 (latest) or a version number, got " + version);
        }
        if (version > 0) {
            Workflow cached = cache.get(new Key(tenantId, workflowId, version));
            if (cached != null) {
                return cached;
            }
        }
        Optional<StoredWorkflow> stored = version == 0 ? store.latest(tenantId, workflowId)
                : store.version(tenantId, workflowId, version);
        if (stored.isEmpty()) {
            throw version == 0 ? BatonException.notFound("workflow", workflowId)
                    : BatonException.notFound("workflow version", workflowId + " v" + version);
        }
        return load(stored.get());
    }

    /**
     * The latest version of every workflow of the tenant, ordered by id. A stored version that no longer
     * validates (say a step type's plug-in was removed) is still listed as parsed; one that no longer parses is
     * left out and logged.
     */
    public List<Workflow> list(String tenantId) {
        List<Workflow> out = new ArrayList<>();
        for (StoredWorkflow stored : store.list(tenantId)) {
            try {
                out.add(load(stored));
            } catch (BatonException invalid) {
                try {
                    out.add(parser.parse(stored.source(), stored.id()).withVersion(stored.version()));
                } catch (BatonException unparseable) {
                    LOG.warn("stored workflow {} v{} of tenant {} no longer parses: {}", stored.id(), stored.version(),
                            tenantId, unparseable.getMessage());
                }
            }
        }
        return out;
    }

    /** The stored source text of a version (0 = latest), e.g. to show it back to the user. */
    public Optional<StoredWorkflow> source(String tenantId, String workflowId, int version) {
        return version == 0 ? store.latest(tenantId, workflowId) : store.version(tenantId, workflowId, version);
    }

    /**
     * Deletes the workflow: it is no longer listed nor resolvable as latest; its versions stay resolvable for
     * the runs that use them.
     *
     * @return whether it existed
     */
    public boolean delete(String tenantId, String workflowId) {
        return store.delete(tenantId, workflowId);
    }

    private Workflow load(StoredWorkflow stored) {
        Key key = new Key(stored.tenantId(), stored.id(), stored.version());
        Workflow cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Workflow workflow = validator.validate(parser, stored.source(), stored.id() + " v" + stored.version())
                .withVersion(stored.version());
        cache.put(key, workflow);
        return workflow;
    }
}
