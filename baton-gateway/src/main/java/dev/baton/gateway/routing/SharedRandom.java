package dev.baton.gateway.routing;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * One injected, seeded {@link RandomGenerator} shared by every call of a router. Seeded generators such as
 * {@link java.util.SplittableRandom} are not thread-safe, so each draw takes a short lock (a few nanoseconds, no
 * I/O under it); with one seed and one thread the sequence of draws is reproducible.
 */
final class SharedRandom {
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();

    SharedRandom(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A uniformly distributed value in [0, 1). */
    double nextDouble() {
        lock.lock();
        try {
            return random.nextDouble();
        } finally {
            lock.unlock();
        }
    }
}
