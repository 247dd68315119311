package dev.baton.core.engine.internal;

import org.junit.jupiter.api.Test;

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
}
