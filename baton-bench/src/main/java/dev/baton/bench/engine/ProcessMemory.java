package dev.baton.bench.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory of this JVM: heap used/committed (JMX) and the resident set from {@code /proc/self/status}
 * ({@code VmRSS} now, {@code VmHWM} its peak since start), in MiB. Linux only for the RSS figures (-1 elsewhere).
 */
record ProcessMemory(double heapUsedMiB, double heapCommittedMiB, double rssMiB, double peakRssMiB) {

    static ProcessMemory now() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new ProcessMemory(heap.getUsed() / 1048576.0, heap.getCommitted() / 1048576.0,
                statusKiB("VmRSS") / 1024.0, statusKiB("VmHWM") / 1024.0);
    }

    private static long statusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }

    String format() {
        return String.format(Locale.ROOT, "heap used %.0f MiB (committed %.0f MiB), RSS %.0f MiB, peak RSS (VmHWM) "
                + "%.0f MiB", heapUsedMiB, heapCommittedMiB, rssMiB, peakRssMiB);
    }
}
