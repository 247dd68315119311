package dev.baton.observability.system;

import java.util.function.ToDoubleFunction;

/**
 * The figures of a {@link SystemSample} that are summarised over a window and that alert rules watch. Ratios are
 * in 0..1 (the API and the rules show them as percentages).
 */
public enum SystemMetric {
    /** Host CPU busy, ratio. */
    CPU_HOST("cpuHost", "ratio", s -> s.host().hostCpuLoad()),
    /** CPU used by this process as a share of the host's, ratio. */
    CPU_PROCESS("cpuProcess", "ratio", s -> s.host().processCpuLoad()),
    /** Host memory used, ratio. */
    MEMORY_USED("memoryUsed", "ratio", s -> s.host().memoryUsedRatio()),
    /** Use of the data directory's filesystem, ratio. */
    DISK_USED("diskUsed", "ratio", s -> s.host().diskUsedRatio()),
    /** Network bytes received per second (non-loopback interfaces). */
    NETWORK_RECEIVED("networkReceived", "bytes/s", SystemSample::networkReceivedPerSecond),
    /** Network bytes sent per second (non-loopback interfaces). */
    NETWORK_SENT("networkSent", "bytes/s", SystemSample::networkSentPerSecond),
    /** JVM heap in use, bytes. */
    HEAP_USED("heapUsed", "bytes", s -> s.host().heapUsedBytes() < 0 ? Double.NaN : s.host().heapUsedBytes()),
    /** Share of wall time spent in garbage collection, ratio. */
    GC_TIME("gcTime", "ratio", SystemSample::gcTimeRatio),
    /** Live platform threads of the JVM. */
    THREADS("threads", "count", s -> s.host().threads() < 0 ? Double.NaN : s.host().threads());

    private final String wireName;
    private final String unit;
    private final ToDoubleFunction<SystemSample> extractor;

    SystemMetric(String wireName, String unit, ToDoubleFunction<SystemSample> extractor) {
        this.wireName = wireName;
        this.unit = unit;
        this.extractor = extractor;
    }

    /** The name in the API and in configuration, e.g. {@code cpuHost}. */
    public String wireName() {
        return wireName;
    }

    /** {@code ratio} (0..1), {@code bytes}, {@code bytes/s} or {@code count}. */
    public String unit() {
        return unit;
    }

    /** This metric's value in {@code sample}, {@code NaN} when unknown. */
    public double of(SystemSample sample) {
        return extractor.applyAsDouble(sample);
    }
}
