package dev.baton.observability.system;

/**
 * Reads the host and the JVM once. The loads of a reading cover the time since the previous reading of the same
 * probe (the first one, since the probe was created). {@link OshiHostProbe} is the real one; tests use a fake.
 *
 * <p>Called by one thread at a time ({@link SystemMonitor} serialises its samples); an implementation need not
 * be thread-safe.
 */
public interface HostProbe {
    /**
     * Takes a reading.
     *
     * @throws RuntimeException when the platform cannot be read; the monitor logs it and skips the sample
     */
    HostReading read();
}
