package dev.baton.core.store;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.baton.core.store.StoreFixtures.T0;
import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static dev.baton.core.store.StoreFixtures.runSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RunStore} promises about {@link RunStore#list}: newest first, filters, and cursor paging
 * without duplicates or gaps. Part of {@link RunStoreContract}; implementations extend that.
 */
public abstract class RunStoreListingContract {

    protected RunStore store;

    /** A store with no runs (a new one, or a shared one with its tables emptied). Called before every test. */
    protected abstract RunStore emptyStore();

    @BeforeEach
    void setUpStore() {
        store = emptyStore();
    }

    @Test
    void lists_newest_first_then_by_id_descending() {
        Run old = store.create(queued("default", "wf", 1));
        Run tieA = store.create(queued("default", "wf", 5));
        Run tieB = store.create(queued("default", "wf", 5));
        Run newest = store.create(queued("default", "wf", 9));
        List<Run> ties = new ArrayList<>(List.of(tieA, tieB));
        ties.sort(Comparator.comparing(Run::id).reversed());

        Page<Run> page = store.list("default", RunQuery.firstPage(10));

        assertThat(page.items()).containsExactly(newest, ties.get(0), ties.get(1), old);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void pages_through_every_run_without_duplicates_or_gaps() {
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 37; i++) {
            created.add(store.create(queued("default", "wf", i / 3)).id());
        }
        store.create(queued("acme", "wf", 3));

        List<Run> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Run> page = store.list("default", new RunQuery(null, null, null, null, cursor, 5));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(5).isNotEmpty();
            seen.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(8);
        assertThat(seen).extracting(Run::id).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
        assertThat(seen).isSortedAccordingTo(Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed());
    }

    @Test
    void a_full_last_page_has_no_cursor_only_when_nothing_follows() {
        for (int i = 0; i < 4; i++) {
            store.create(queued("default", "wf", i));
        }

        Page<Run> first = store.list("default", RunQuery.firstPage(2));
        Page<Run> second = store.list("default", new RunQuery(null, null, null, null, first.nextCursor(), 2));

        assertThat(first.nextCursor()).isNotNull();
        assertThat(second.items()).hasSize(2);
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void filters_by_workflow_status_and_creation_time() {
        Run a1 = store.create(queued("default", "a", 1));
        Run a2 = store.create(queued("default", "a", 2));
        Run b3 = store.create(queued("default", "b", 3));
        Run a4 = store.create(queued("default", "a", 4));
        store.append(List.of(runStarted(a2, 1), runSucceeded(a2, 2), runStarted(a4, 3)));

        assertThat(list(new RunQuery("a", null, null, null, null, 10))).containsExactly(a4.id(), a2.id(), a1.id());
        assertThat(list(new RunQuery(null, RunStatus.QUEUED, null, null, null, 10))).containsExactly(b3.id(), a1.id());
        assertThat(list(new RunQuery("a", RunStatus.SUCCEEDED, null, null, null, 10))).containsExactly(a2.id());
        assertThat(list(new RunQuery(null, null, T0.plusSeconds(2), T0.plusSeconds(4), null, 10)))
                .containsExactly(b3.id(), a2.id());
        assertThat(list(new RunQuery("b", RunStatus.RUNNING, null, null, null, 10))).isEmpty();
    }

    @Test
    void filters_apply_across_pages() {
        for (int i = 0; i < 20; i++) {
            store.create(queued("default", i % 2 == 0 ? "even" : "odd", i));
        }

        Page<Run> first = store.list("default", new RunQuery("even", null, null, null, null, 4));
        Page<Run> rest = store.list("default", new RunQuery("even", null, null, null, first.nextCursor(), 10));

        assertThat(first.items()).hasSize(4).allMatch(r -> r.workflowId().equals("even"));
        assertThat(rest.items()).hasSize(6).allMatch(r -> r.workflowId().equals("even"));
        assertThat(rest.nextCursor()).isNull();
    }

    @Test
    void rejects_a_cursor_it_did_not_make() {
        store.create(queued("default", "wf", 1));

        assertThatThrownBy(() -> store.list("default", new RunQuery(null, null, null, null, "not-a-cursor!", 10)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("cursor");
                });
    }

    @Test
    void an_unknown_tenant_has_no_runs() {
        store.create(queued("default", "wf", 1));

        Page<Run> page = store.list("nobody", RunQuery.firstPage(10));

        assertThat(page.items()).isEmpty();
        assertThat(page.nextCursor()).isNull();
    }

    private List<String> list(RunQuery query) {
        return store.list("default", query).items().stream().map(Run::id).toList();
    }
}
