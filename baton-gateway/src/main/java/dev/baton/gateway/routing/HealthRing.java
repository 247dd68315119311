package dev.baton.gateway.routing;

import dev.baton.gateway.admin.HealthCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@link #CAPACITY} health checks of one deployment, lock-free: a writer claims a slot with an atomic
 * counter and stores its check there. A reader racing a writer may see the slot's previous check for an instant;
 * health is a view for operators and the rule in {@link DeploymentHealth}, where that does not matter.
 */
final class HealthRing {

    /** Checks kept per deployment. */
    static final int CAPACITY = 100;

    private final AtomicReferenceArray<HealthCheck> slots = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong written = new AtomicLong();

    void add(HealthCheck check) {
        long index = written.getAndIncrement();
        slots.set((int) (index % CAPACITY), check);
    }

    /** The kept checks, newest first. */
    List<HealthCheck> newestFirst() {
        long end = written.get();
        long count = Math.min(end, CAPACITY);
        var checks = new ArrayList<HealthCheck>((int) count);
        for (long i = end - 1; i >= end - count; i--) {
            HealthCheck check = slots.get((int) (i % CAPACITY));
            if (check != null) {
                checks.add(check);
            }
        }
        return checks;
    }
}
