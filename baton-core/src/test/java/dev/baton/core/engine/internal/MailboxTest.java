package dev.baton.core.engine.internal;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxTest {

    @Test
    void a_task_that_throws_is_reported_to_the_failure_handler_and_later_tasks_still_run() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Mailbox mailbox = new Mailbox(Runnable::run, failure -> seen.add("failed: " + failure.getMessage()));

        mailbox.execute(() -> seen.add("first"));
        mailbox.execute(() -> {
            throw new IllegalStateException("boom");
        });
        mailbox.execute(() -> seen.add("third"));

        assertThat(seen).containsExactly("first", "failed: boom", "third");
    }

    @Test
    void a_run_mailbox_puts_the_run_in_the_log_context_while_its_tasks_run_and_removes_it_after() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Mailbox mailbox = new Mailbox(Runnable::run, failure -> { }, "run-1", "triage");

        mailbox.execute(() -> seen.add(MDC.get("runId") + " " + MDC.get("workflowId")));

        assertThat(seen).containsExactly("run-1 triage");
        assertThat(MDC.get("runId")).isNull();
        assertThat(MDC.get("workflowId")).isNull();
    }
}
