package dev.baton.core.store;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link WorkflowStore} promises: immutable numbered versions, identical saves collapse, deletes hide a
 * workflow but keep its versions readable, tenants are isolated. Extend it once per implementation.
 */
public abstract class WorkflowStoreContract {

    private static final String V1 = "id: triage\nsteps:\n  a: {uses: transform}\n";
    private static final String V2 = "id: triage\nsteps:\n  a: {uses: transform}\n  b: {uses: sleep}\n";

    protected WorkflowStore store;

    /** A store with no workflows. Called before every test. */
    protected abstract WorkflowStore emptyStore();

    @BeforeEach
    void setUpStore() {
        store = emptyStore();
    }

    @Test
    void the_first_save_is_version_1() {
        StoredWorkflow saved = store.save("default", "triage", V1);

        assertThat(saved.version()).isEqualTo(1);
        assertThat(saved.tenantId()).isEqualTo("default");
        assertThat(saved.id()).isEqualTo("triage");
        assertThat(saved.source()).isEqualTo(V1);
        assertThat(store.latest("default", "triage")).contains(saved);
        assertThat(store.version("default", "triage", 1)).contains(saved);
    }

    @Test
    void saving_the_same_source_again_keeps_the_version() {
        StoredWorkflow first = store.save("default", "triage", V1);

        assertThat(store.save("default", "triage", V1)).isEqualTo(first);
        assertThat(store.version("default", "triage", 2)).isEmpty();
    }

    @Test
    void a_new_source_makes_the_next_version_and_keeps_the_old_one() {
        StoredWorkflow first = store.save("default", "triage", V1);
        StoredWorkflow second = store.save("default", "triage", V2);
        StoredWorkflow third = store.save("default", "triage", V1);

        assertThat(second.version()).isEqualTo(2);
        assertThat(third.version()).isEqualTo(3);
        assertThat(store.latest("default", "triage")).contains(third);
        assertThat(store.version("default", "triage", 1)).contains(first);
        assertThat(store.version("default", "triage", 2)).contains(second);
        assertThat(store.version("default", "triage", 4)).isEmpty();
        assertThat(store.version("default", "triage", 0)).isEmpty();
    }

    @Test
    void delete_hides_the_workflow_but_keeps_its_versions_readable() {
        StoredWorkflow first = store.save("default", "triage", V1);
        StoredWorkflow second = store.save("default", "triage", V2);
        store.save("default", "other", V1);

        assertThat(store.delete("default", "triage")).isTrue();

        assertThat(store.latest("default", "triage")).isEmpty();
        assertThat(store.list("default")).extracting(StoredWorkflow::id).containsExactly("other");
        assertThat(store.version("default", "triage", 1)).contains(first);
        assertThat(store.version("default", "triage", 2)).contains(second);
        assertThat(store.delete("default", "triage")).isFalse();
        assertThat(store.delete("default", "never-saved")).isFalse();
    }

    @Test
    void saving_a_deleted_workflow_lists_it_again_with_numbering_continued() {
        store.save("default", "triage", V1);
        store.delete("default", "triage");

        StoredWorkflow revived = store.save("default", "triage", V2);

        assertThat(revived.version()).isEqualTo(2);
        assertThat(store.latest("default", "triage")).contains(revived);
        assertThat(store.list("default")).containsExactly(revived);
    }

    @Test
    void saving_the_deleted_source_again_lists_it_again_without_a_new_version() {
        StoredWorkflow first = store.save("default", "triage", V1);
        store.delete("default", "triage");

        assertThat(store.save("default", "triage", V1)).isEqualTo(first);
        assertThat(store.latest("default", "triage")).contains(first);
    }

    @Test
    void list_holds_the_latest_version_of_each_workflow_ordered_by_id() {
        store.save("default", "zeta", V1);
        store.save("default", "alpha", V1);
        StoredWorkflow alpha2 = store.save("default", "alpha", V2);
        store.save("acme", "beta", V1);

        List<StoredWorkflow> listed = store.list("default");

        assertThat(listed).extracting(StoredWorkflow::id).containsExactly("alpha", "zeta");
        assertThat(listed.getFirst()).isEqualTo(alpha2);
        assertThat(store.list("nobody")).isEmpty();
    }

    @Test
    void tenants_do_not_see_each_others_workflows() {
        store.save("acme", "triage", V1);
        store.save("acme", "triage", V2);

        assertThat(store.latest("default", "triage")).isEmpty();
        assertThat(store.version("default", "triage", 1)).isEmpty();
        assertThat(store.delete("default", "triage")).isFalse();
        assertThat(store.save("default", "triage", V2).version()).isEqualTo(1);
        assertThat(store.latest("acme", "triage").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void keeps_unicode_and_large_sources_exactly() {
        String source = "id: grüße\ndescription: \"東京 🎼 \\\"quoted\\\" tab\\t\"\n" + "# padding\n".repeat(20_000);

        StoredWorkflow saved = store.save("default", "unicode", source);

        assertThat(store.version("default", "unicode", saved.version()).orElseThrow().source()).isEqualTo(source);
    }

    @Test
    void concurrent_saves_of_different_sources_get_distinct_versions() throws Exception {
        int writers = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StoredWorkflow>> results = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                String source = V1 + "# writer " + i + "\n";
                results.add(executor.submit(() -> {
                    go.await();
                    return store.save("default", "contended", source);
                }));
            }
            go.countDown();
            List<Integer> versions = new ArrayList<>();
            for (Future<StoredWorkflow> result : results) {
                versions.add(result.get().version());
            }
            assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void rejects_empty_identifiers_and_sources_naming_the_field() {
        assertThatThrownBy(() -> store.save("default", " ", V1)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.getMessage()).contains("workflowId");
        });
        assertThatThrownBy(() -> store.save("", "triage", V1))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("tenantId"));
        assertThatThrownBy(() -> store.save("default", "triage", ""))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("source"));
    }
}
