package dev.baton.core.workflow;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.store.WorkflowStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowCatalogTest {

    /** A minimal in-memory store that counts reads of specific versions. */
    static final class FakeWorkflowStore implements WorkflowStore {
        final Map<String, List<StoredWorkflow>> versions = new ConcurrentHashMap<>();
        final Set<String> deleted = new HashSet<>();
        final AtomicInteger versionReads = new AtomicInteger();

        @Override
        public StoredWorkflow save(String tenantId, String workflowId, String source) {
            List<StoredWorkflow> list = versions.computeIfAbsent(tenantId + "/" + workflowId, k -> new ArrayList<>());
            deleted.remove(tenantId + "/" + workflowId);
            if (!list.isEmpty() && list.getLast().source().equals(source)) {
                return list.getLast();
            }
            StoredWorkflow stored = new StoredWorkflow(tenantId, workflowId, list.size() + 1, source, Instant.EPOCH);
            list.add(stored);
            return stored;
        }

        @Override
        public Optional<StoredWorkflow> latest(String tenantId, String workflowId) {
            String key = tenantId + "/" + workflowId;
            List<StoredWorkflow> list = versions.get(key);
            return list == null || list.isEmpty() || deleted.contains(key) ? Optional.empty() : Optional.of(list.getLast());
        }

        @Override
        public Optional<StoredWorkflow> version(String tenantId, String workflowId, int version) {
            versionReads.incrementAndGet();
            List<StoredWorkflow> list = versions.get(tenantId + "/" + workflowId);
            return list == null || version > list.size() ? Optional.empty() : Optional.of(list.get(version - 1));
        }

        @Override
        public List<StoredWorkflow> list(String tenantId) {
            Map<String, StoredWorkflow> latest = new TreeMap<>();
            versions.forEach((key, list) -> {
                if (key.startsWith(tenantId + "/") && !deleted.contains(key)) {
                    latest.put(list.getLast().id(), list.getLast());
                }
            });
            return List.copyOf(latest.values());
        }

        @Override
        public boolean delete(String tenantId, String workflowId) {
            return latest(tenantId, workflowId).isPresent() && deleted.add(tenantId + "/" + workflowId);
        }
    }

    private final FakeWorkflowStore store = new FakeWorkflowStore();
    private final WorkflowCatalog catalog = new WorkflowCatalog(store, WorkflowValidatorTest.REGISTRY);

    private static String definition(String description) {
        return "id: greet\ndescription: " + description + "\nsteps:\n  a: {uses: transform, with: {value: 1}}\n";
    }

    @Test
    void register_assigns_versions_and_resolve_finds_latest_and_specific_ones() {
        assertThat(catalog.register("default", definition("one"), "greet.yaml").version()).isEqualTo(1);
        assertThat(catalog.register("default", definition("two"), "greet.yaml").version()).isEqualTo(2);
        assertThat(catalog.register("default", definition("two"), "greet.yaml").version()).isEqualTo(2);

        assertThat(catalog.resolve("default", "greet", 0).description()).isEqualTo("two");
        assertThat(catalog.resolve("default", "greet", 1).description()).isEqualTo("one");
        assertThat(catalog.list("default")).extracting(Workflow::id, Workflow::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple("greet", 2));
        assertThat(catalog.source("default", "greet", 1)).map(StoredWorkflow::source).contains(definition("one"));
    }

    @Test
    void resolved_versions_are_cached() {
        catalog.register("default", definition("one"), "greet.yaml");
        Workflow first = catalog.resolve("default", "greet", 1);
        int reads = store.versionReads.get();
        assertThat(catalog.resolve("default", "greet", 1)).isSameAs(first);
        assertThat(store.versionReads.get()).isEqualTo(reads);
    }

    @Test
    void invalid_definitions_are_not_stored() {
        assertThatThrownBy(() -> catalog.register("default", "id: x\nsteps:\n  a: {uses: nope}\n", "x.yaml"))
                .isInstanceOf(BatonException.class)
                .hasMessage("x.yaml:3:7: steps.a.uses: unknown step type 'nope'; known types: embed, http, map, sleep, transform, workflow");
        assertThat(store.versions).isEmpty();
        assertThat(catalog.validate(definition("ok"), "greet.yaml").version()).isZero();
    }

    @Test
    void missing_and_deleted_workflows_are_not_found_but_old_versions_stay_resolvable() {
        assertThatThrownBy(() -> catalog.resolve("default", "nope", 0))
                .isInstanceOf(BatonException.class)
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        catalog.register("default", definition("one"), "greet.yaml");
        assertThatThrownBy(() -> catalog.resolve("other-tenant", "greet", 0)).hasMessage("workflow 'nope' does not exist".replace("nope", "greet"));
        assertThatThrownBy(() -> catalog.resolve("default", "greet", 7)).hasMessage("workflow version 'greet v7' does not exist");
        assertThat(catalog.delete("default", "greet")).isTrue();
        assertThat(catalog.delete("default", "greet")).isFalse();
        assertThatThrownBy(() -> catalog.resolve("default", "greet", 0)).hasMessage("workflow 'greet' does not exist");
        assertThat(catalog.resolve("default", "greet", 1).version()).isEqualTo(1);
        assertThat(catalog.list("default")).isEmpty();
    }

    @Test
    void list_still_shows_a_stored_version_whose_step_type_is_gone() {
        store.save("default", "legacy", "id: legacy\nsteps:\n  a: {uses: retired.type}\n");
        assertThat(catalog.list("default")).extracting(Workflow::id, Workflow::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("legacy", 1));
        assertThatThrownBy(() -> catalog.resolve("default", "legacy", 0))
                .hasMessageContaining("unknown step type 'retired.type'");
    }
}
