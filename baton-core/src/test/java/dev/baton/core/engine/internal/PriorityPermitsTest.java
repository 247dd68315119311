package dev.baton.core.engine.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

class PriorityPermitsTest {

    private static Thread waiter(PriorityPermits permits, int priority, String name, List<String> order) {
        return Thread.ofVirtual().start(() -> {
            try {
                permits.acquire(priority);
                order.add(name);
                permits.release();
            } catch (InterruptedException e) {
                order.add(name + ":interrupted");
            }
        });
    }

    private static void awaitWaiting(PriorityPermits permits, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (permits.waiting() != count) {
            assertThat(System.nanoTime()).as("waiters queued").isLessThan(deadline);
            LockSupport.parkNanos(100_000);
        }
    }

    @Test
    void waiters_are_served_by_priority_then_in_arrival_order() throws Exception {
        PriorityPermits permits = new PriorityPermits(1);
        permits.acquire(0);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread low = waiter(permits, -1, "low", order);
        awaitWaiting(permits, 1);
        Thread firstNormal = waiter(permits, 0, "normal-1", order);
        awaitWaiting(permits, 2);
        Thread secondNormal = waiter(permits, 0, "normal-2", order);
        awaitWaiting(permits, 3);
        Thread high = waiter(permits, 10, "high", order);
        awaitWaiting(permits, 4);

        permits.release();
        for (Thread thread : List.of(low, firstNormal, secondNormal, high)) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }

        assertThat(order).containsExactly("high", "normal-1", "normal-2", "low");
    }

    @Test
    void an_interrupted_waiter_leaves_the_queue_without_taking_a_permit() throws Exception {
        PriorityPermits permits = new PriorityPermits(1);
        permits.acquire(0);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread waiting = waiter(permits, 0, "w", order);
        awaitWaiting(permits, 1);

        waiting.interrupt();
        waiting.join(TimeUnit.SECONDS.toMillis(10));
        permits.release();

        assertThat(order).containsExactly("w:interrupted");
        assertThat(permits.waiting()).isZero();
        permits.acquire(0); // the released permit is available again
    }

    @Test
    void a_limit_of_zero_never_waits() throws Exception {
        PriorityPermits unlimited = new PriorityPermits(0);
        for (int i = 0; i < 10_000; i++) {
            unlimited.acquire(0);
        }
        assertThat(unlimited.waiting()).isZero();
    }
}
