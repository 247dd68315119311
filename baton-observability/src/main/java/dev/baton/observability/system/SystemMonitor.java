package dev.baton.observability.system;

import dev.baton.observability.SystemSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Samples a {@link HostProbe} every {@link SystemSettings#interval()} on a virtual thread into a bounded history
 * ({@link SystemSettings#history()}), and summarises any window of it. Each sample is handed to the listeners
 * ({@link #subscribe}), e.g. the alert evaluator, on the sampling thread.
 *
 * <p>Time comes from the injected clock; the pause between samples from a {@link Pacer}, so tests drive the loop
 * (or call {@link #sample()} themselves) without sleeping. A probe that throws is logged (once per streak of
 * failures) and the sample skipped; a listener that throws is logged and the others still run.
 *
 * <p>Thread-safe. {@link #close()} stops the loop and waits for it briefly.
 */
public final class SystemMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemMonitor.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** Waits between two samples; returns false when the monitor closed meanwhile. */
    @FunctionalInterface
    interface Pacer {
        /**
         * @param interval the configured interval
         * @param closed   counted down when the monitor closes
         * @return whether to take another sample
         */
        boolean awaitNext(Duration interval, CountDownLatch closed) throws InterruptedException;
    }

    /** The real pacer: waits the interval, or less when the monitor closes. */
    static final Pacer REAL_TIME = (interval, closed) -> !closed.await(interval.toNanos(), TimeUnit.NANOSECONDS);

    private final HostProbe probe;
    private final SystemSettings settings;
    private final InstantSource clock;
    private final Pacer pacer;
    private final SampleHistory history;
    private final List<Consumer<SystemSample>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock sampling = new ReentrantLock();
    private final CountDownLatch closed = new CountDownLatch(1);
    private Thread loop;
    private SystemSample previous;
    private boolean failing;

    /** A monitor that waits in real time between samples. */
    public SystemMonitor(HostProbe probe, SystemSettings settings, InstantSource clock) {
        this(probe, settings, clock, REAL_TIME);
    }

    SystemMonitor(HostProbe probe, SystemSettings settings, InstantSource clock, Pacer pacer) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
        this.history = new SampleHistory(settings.capacity());
    }

    /** The settings it samples with. */
    public SystemSettings settings() {
        return settings;
    }

    /** Adds a listener told of every sample, on the sampling thread; it must be quick and must not block. */
    public void subscribe(Consumer<SystemSample> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Takes a first sample on the calling thread (so the history is never empty once started), then samples on a
     * virtual thread every interval until {@link #close()}.
     *
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        sampling.lock();
        try {
            if (loop != null || closed.getCount() == 0) {
                throw new IllegalStateException("the system monitor was already started or closed");
            }
            loop = Thread.ofVirtual().name("baton-system-monitor").unstarted(this::run);
        } finally {
            sampling.unlock();
        }
        sample();
        loop.start();
    }

    private void run() {
        try {
            while (pacer.awaitNext(settings.interval(), closed) && closed.getCount() > 0) {
                sample();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes a sample now: reads the probe, derives rates from the previous sample, stores it and tells the
     * listeners.
     *
     * @return the sample, or empty when the probe failed
     */
    public Optional<SystemSample> sample() {
        SystemSample sample;
        sampling.lock();
        try {
            HostReading reading;
            try {
                reading = probe.read();
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("reading the host failed; samples are skipped until it works again: {}", e.toString());
                }
                failing = true;
                return Optional.empty();
            }
            if (failing) {
                LOG.info("reading the host works again");
                failing = false;
            }
            sample = derive(clock.instant(), reading, previous);
            previous = sample;
            history.add(sample);
        } finally {
            sampling.unlock();
        }
        for (Consumer<SystemSample> listener : listeners) {
            try {
                listener.accept(sample);
            } catch (RuntimeException e) {
                LOG.warn("a system sample listener failed: {}", e.toString(), e);
            }
        }
        return Optional.of(sample);
    }

    /** The rates between {@code previous} and {@code reading} (NaN when they cannot be derived). */
    static SystemSample derive(Instant at, HostReading reading, SystemSample previous) {
        if (previous == null) {
            return new SystemSample(at, reading, Double.NaN, Double.NaN, Double.NaN);
        }
        double seconds = Duration.between(previous.at(), at).toNanos() / 1e9;
        HostReading before = previous.host();
        return new SystemSample(at, reading,
                rate(before.networkReceivedBytes(), reading.networkReceivedBytes(), seconds),
                rate(before.networkSentBytes(), reading.networkSentBytes(), seconds),
                Math.min(1.0, rate(before.gcTimeMillis(), reading.gcTimeMillis(), seconds) / 1000.0));
    }

    private static double rate(long before, long after, double seconds) {
        if (seconds <= 0 || before < 0 || after < before) {
            return Double.NaN;
        }
        return (after - before) / seconds;
    }

    /** The newest sample, if any was taken. */
    public Optional<SystemSample> latest() {
        return Optional.ofNullable(history.latest());
    }

    /**
     * The samples of the last {@code window} (capped at the history), oldest first.
     *
     * @throws IllegalArgumentException when {@code window} is not positive
     */
    public List<SystemSample> history(Duration window) {
        return history.since(windowStart(window));
    }

    /**
     * Every metric summarised over the last {@code window} (capped at the history).
     *
     * @throws IllegalArgumentException when {@code window} is not positive
     */
    public SystemSummary summary(Duration window) {
        List<SystemSample> samples = history(window);
        Map<SystemMetric, MetricSummary> metrics = new EnumMap<>(SystemMetric.class);
        double[] values = new double[samples.size()];
        for (SystemMetric metric : SystemMetric.values()) {
            for (int i = 0; i < values.length; i++) {
                values[i] = metric.of(samples.get(i));
            }
            metrics.put(metric, MetricSummary.of(values));
        }
        return new SystemSummary(window, samples.isEmpty() ? null : samples.getFirst().at(),
                samples.isEmpty() ? null : samples.getLast().at(), samples.size(), metrics);
    }

    private Instant windowStart(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive");
        }
        Duration capped = window.compareTo(settings.history()) > 0 ? settings.history() : window;
        return clock.instant().minus(capped);
    }

    /** Stops sampling; waits up to 5 s for a sample in progress. Idempotent. */
    @Override
    public void close() {
        closed.countDown();
        Thread running;
        sampling.lock();
        try {
            running = loop;
        } finally {
            sampling.unlock();
        }
        if (running != null && running.isAlive()) {
            try {
                // the real pacer wakes up on the latch; anything else (a pacer blocked elsewhere) is interrupted
                if (!running.join(Duration.ofMillis(200))) {
                    running.interrupt();
                    running.join(CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
