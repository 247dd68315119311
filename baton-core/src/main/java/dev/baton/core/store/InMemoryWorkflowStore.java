package dev.baton.core.store;

import dev.baton.core.error.BatonException;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link WorkflowStore} held in memory: for tests, benchmarks and ephemeral use.
 *
 * <p>Versions are numbered 1, 2, ... per (tenant, workflow id) and never reused, also across a delete. Saving
 * the source of the latest version again returns that version; if the workflow was deleted, it is listed
 * again (undeleted) without a new version.
 *
 * <p>Thread-safe: each workflow's history is changed atomically ({@link ConcurrentHashMap#compute}); its
 * versions are immutable records.
 */
public final class InMemoryWorkflowStore implements WorkflowStore {

    private final InstantSource clock;
    /** tenant → workflow id (ordered) → history. */
    private final Map<String, ConcurrentSkipListMap<String, History>> tenants = new ConcurrentHashMap<>();

    /** A store stamping versions with the system clock. */
    public InMemoryWorkflowStore() {
        this(InstantSource.system());
    }

    /** A store stamping versions with {@code clock}. */
    public InMemoryWorkflowStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public StoredWorkflow save(String tenantId, String workflowId, String source) {
        checkIds(tenantId, workflowId);
        if (source == null || source.isBlank()) {
            throw BatonException.invalidInput("source", "must not be empty");
        }
        History history = tenants.computeIfAbsent(tenantId, t -> new ConcurrentSkipListMap<>())
                .compute(workflowId, (id, current) -> {
                    if (current != null && current.latest().source().equals(source)) {
                        return current.deleted ? new History(current.versions, false) : current;
                    }
                    List<StoredWorkflow> versions = current == null ? new ArrayList<>() : new ArrayList<>(current.versions);
                    versions.add(new StoredWorkflow(tenantId, workflowId, versions.size() + 1, source, clock.instant()));
                    return new History(List.copyOf(versions), false);
                });
        return history.latest();
    }

    @Override
    public Optional<StoredWorkflow> latest(String tenantId, String workflowId) {
        History history = history(tenantId, workflowId);
        return history == null || history.deleted ? Optional.empty() : Optional.of(history.latest());
    }

    @Override
    public Optional<StoredWorkflow> version(String tenantId, String workflowId, int version) {
        History history = history(tenantId, workflowId);
        if (history == null || version < 1 || version > history.versions.size()) {
            return Optional.empty();
        }
        return Optional.of(history.versions.get(version - 1));
    }

    @Override
    public List<StoredWorkflow> list(String tenantId) {
        var workflows = tenants.get(tenantId);
        if (workflows == null) {
            return List.of();
        }
        List<StoredWorkflow> result = new ArrayList<>();
        for (History history : workflows.values()) {
            if (!history.deleted) {
                result.add(history.latest());
            }
        }
        return result;
    }

    @Override
    public boolean delete(String tenantId, String workflowId) {
        var workflows = tenants.get(tenantId);
        if (workflows == null) {
            return false;
        }
        boolean[] existed = new boolean[1];
        workflows.computeIfPresent(workflowId, (id, current) -> {
            existed[0] = !current.deleted;
            return current.deleted ? current : new History(current.versions, true);
        });
        return existed[0];
    }

    private History history(String tenantId, String workflowId) {
        var workflows = tenants.get(tenantId);
        return workflows == null || workflowId == null ? null : workflows.get(workflowId);
    }

    private static void checkIds(String tenantId, String workflowId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw BatonException.invalidInput("tenantId", "must not be empty");
        }
        if (workflowId == null || workflowId.isBlank()) {
            throw BatonException.invalidInput("workflowId", "must not be empty");
        }
    }

    /** The immutable version history of one workflow. */
    private record History(List<StoredWorkflow> versions, boolean deleted) {
        StoredWorkflow latest() {
            return versions.getLast();
        }
    }
}
