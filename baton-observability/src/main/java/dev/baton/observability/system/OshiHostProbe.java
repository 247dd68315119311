package dev.baton.observability.system;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads the host with OSHI (CPU ticks, memory, network interfaces) and the JVM with its management beans (this
 * process's CPU time, heap, GC, threads); the disk is the JDK's {@link FileStore} of the data directory.
 *
 * <p>Cheap by design: CPU load is the difference of tick counters between two readings (no sampling sleep);
 * the list of network interfaces is enumerated once every {@value #INTERFACE_REFRESH} readings and only
 * refreshed in between. On Linux a reading reads a handful of {@code /proc} files; its cost is reported in
 * docs/operations.md. Disk figures follow {@code df}: used = size − free, and the total is used + space available
 * to unprivileged users, so the use share matches {@code df}'s {@code Use%}.
 *
 * <p>Not thread-safe (one {@link SystemMonitor} calls it).
 */
public final class OshiHostProbe implements HostProbe {
    /** Readings between two enumerations of the network interfaces (new interfaces are seen this late). */
    static final int INTERFACE_REFRESH = 60;

    private final Path dataDir;
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final HardwareAbstractionLayer hardware;
    private final MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long[] previousTicks;
    private final int logicalProcessors;
    private long previousProcessCpuNanos;
    private long previousWallNanos;
    private List<NetworkIF> interfaces;
    private int readsSinceEnumeration;
    private FileStore fileStore;

    /**
     * @param dataDir the node's data directory; the disk figures are those of the filesystem holding it (or
     *                holding its nearest existing parent, while it does not exist yet)
     */
    public OshiHostProbe(Path dataDir) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        SystemInfo system = new SystemInfo();
        this.hardware = system.getHardware();
        this.processor = hardware.getProcessor();
        this.memory = hardware.getMemory();
        this.previousTicks = processor.getSystemCpuLoadTicks();
        this.logicalProcessors = Math.max(1, processor.getLogicalProcessorCount());
        this.previousProcessCpuNanos = processCpuNanos();
        this.previousWallNanos = System.nanoTime();
    }

    @Override
    public HostReading read() {
        long[] ticks = processor.getSystemCpuLoadTicks();
        // no tick elapsed (a reading right after the previous one): unknown, not the 0 OSHI returns
        double hostCpu = sum(ticks) > sum(previousTicks)
                ? clamp(processor.getSystemCpuLoadBetweenTicks(previousTicks, ticks)) : Double.NaN;
        previousTicks = ticks;

        // this process's CPU time from the JVM (one cheap call; OSHI's process snapshot reads several /proc files)
        long cpuNanos = processCpuNanos();
        long wallNanos = System.nanoTime();
        double processCpu = Double.NaN;
        if (cpuNanos >= 0 && previousProcessCpuNanos >= 0 && wallNanos > previousWallNanos) {
            processCpu = clamp((double) (cpuNanos - previousProcessCpuNanos)
                               / ((wallNanos - previousWallNanos) * (double) logicalProcessors));
        }
        previousProcessCpuNanos = cpuNanos;
        previousWallNanos = wallNanos;

        long memoryTotal = memory.getTotal();
        long memoryUsed = memoryTotal > 0 ? memoryTotal - memory.getAvailable() : -1;

        long diskUsed = -1;
        long diskTotal = -1;
        try {
            FileStore store = fileStore();
            long free = store.getUnallocatedSpace();
            long size = store.getTotalSpace();
            diskUsed = size - free;
            diskTotal = diskUsed + store.getUsableSpace();
        } catch (IOException e) {
            fileStore = null; // looked up again at the next reading
        }

        long received = 0;
        long sent = 0;
        for (NetworkIF networkIf : networkInterfaces()) {
            networkIf.updateAttributes();
            received += Math.max(0, networkIf.getBytesRecv());
            sent += Math.max(0, networkIf.getBytesSent());
        }

        MemoryUsage heapUsage = heap.getHeapMemoryUsage();
        long gcCount = 0;
        long gcTime = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            gcCount += Math.max(0, collector.getCollectionCount());
            gcTime += Math.max(0, collector.getCollectionTime());
        }
        return new HostReading(hostCpu, processCpu, memoryUsed, memoryTotal, diskUsed, diskTotal, received, sent,
                heapUsage.getUsed(), heapUsage.getMax(), gcCount, gcTime, threads.getThreadCount());
    }

    private List<NetworkIF> networkInterfaces() {
        if (interfaces == null || ++readsSinceEnumeration >= INTERFACE_REFRESH) {
            interfaces = hardware.getNetworkIFs(false);
            readsSinceEnumeration = 0;
        }
        return interfaces;
    }

    private FileStore fileStore() throws IOException {
        if (fileStore == null) {
            Path existing = dataDir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                throw new IOException("no existing parent of " + dataDir);
            }
            fileStore = Files.getFileStore(existing);
        }
        return fileStore;
    }

    /** CPU time used by this process, ns, or -1 when the JVM does not say. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static long sum(long[] ticks) {
        long total = 0;
        for (long tick : ticks) {
            total += tick;
        }
        return total;
    }

    private static double clamp(double load) {
        return Double.isNaN(load) ? Double.NaN : Math.max(0, Math.min(1, load));
    }
}
