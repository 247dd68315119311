package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunAnalytics;
import dev.baton.core.store.RunStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listing cut at the largest {@code limit} ({@value RunAnalytics#MAX_LIMIT}) says so: the endpoint asks the
 * store for one item more than the limit, even at the maximum. Runs are written straight into the shared node's
 * store, finished, in a window of their own (2020) that no other test uses.
 */
class AnalyticsTruncationApiTest {
    private final TestServer server = TestServer.get();

    private Run finishedRun(String workflowId, Instant createdAt) {
        RunStore store = server.node.runStore();
        Run run = store.create(new Run(UUID.randomUUID().toString(), server.node.tenantId(), workflowId, 1,
                RunStatus.QUEUED, 0, JsonNodeFactory.instance.objectNode(), null, null, null, null, null, createdAt,
                null, null));
        store.append(List.of(new JournalEntry.RunStarted(run.id(), createdAt),
                new JournalEntry.RunFinished(run.id(), RunStatus.SUCCEEDED, null, null, createdAt.plusMillis(5))));
        return run;
    }

    private JsonNode get(String path) {
        ApiClient.Response response = server.client.get(path);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    @Test
    void a_workflow_listing_cut_at_the_largest_limit_is_marked_truncated() {
        Instant from = Instant.parse("2020-01-01T00:00:00Z");
        String prefix = TestServer.uniqueId("many");
        for (int i = 0; i <= RunAnalytics.MAX_LIMIT; i++) {
            finishedRun(prefix + "-" + i, from.plusSeconds(i));
        }
        String window = "?from=" + from + "&to=" + from.plusSeconds(3600);

        JsonNode full = get("/analytics/workflows" + window + "&limit=" + RunAnalytics.MAX_LIMIT);
        JsonNode oneShort = get("/analytics/workflows" + window + "&limit="
                + (RunAnalytics.MAX_LIMIT - 1));

        assertThat(full.get("items")).hasSize(RunAnalytics.MAX_LIMIT);
        assertThat(full.get("truncated").asBoolean()).isTrue();
        assertThat(oneShort.get("items")).hasSize(RunAnalytics.MAX_LIMIT - 1);
        assertThat(oneShort.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void a_step_listing_cut_at_the_largest_limit_is_marked_truncated() {
        Instant from = Instant.parse("2020-02-01T00:00:00Z");
        String workflowId = TestServer.uniqueId("wide");
        Run run = finishedRun(workflowId, from);
        List<JournalEntry> attempts = new ArrayList<>();
        for (int i = 0; i <= RunAnalytics.MAX_LIMIT; i++) {
            String step = "s" + i;
            attempts.add(new JournalEntry.AttemptStarted(run.id(), step, 1, JsonNodeFactory.instance.objectNode(),
                    from));
            attempts.add(new JournalEntry.AttemptFinished(run.id(), step, 1, AttemptStatus.SUCCEEDED, null, null,
                    from.plusMillis(1)));
        }
        server.node.runStore().append(attempts);
        String window = "?from=" + from + "&to=" + from.plusSeconds(3600);

        JsonNode atMost = get("/analytics/workflows/" + workflowId + window + "&limit="
                + RunAnalytics.MAX_LIMIT);

        assertThat(atMost.get("steps")).hasSize(RunAnalytics.MAX_LIMIT);
        assertThat(atMost.get("truncated").asBoolean()).isTrue();
        assertThat(atMost.get("runs").asLong()).isEqualTo(1);
    }
}
