package dev.baton.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time consumed by this process (all threads, including ONNX Runtime's native ones). On a shared machine the
 * wall-clock rate depends on what else runs; sentences per CPU-second does not, and times the number of cores
 * estimates the rate on an otherwise idle machine.
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** Process CPU time in nanoseconds, or -1 when the JVM does not report it. */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The 1-minute load average, or -1 when unknown. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
