package dev.baton.observability.system;

/**
 * One reading of the host and of this JVM by a {@link HostProbe}. Counters (network bytes, GC count and time)
 * grow from an arbitrary origin; {@link SystemMonitor} turns their differences into rates. A figure the platform
 * does not give is {@code NaN} (loads) or {@code -1} (sizes and counters).
 *
 * @param hostCpuLoad          share of the host's CPU time spent busy since the previous reading, 0..1 ({@code NaN}
 *                             when no CPU tick elapsed since it)
 * @param processCpuLoad       share of the host's CPU time this process used since the previous reading, 0..1
 * @param memoryUsedBytes      host memory in use (total minus available), bytes
 * @param memoryTotalBytes     host memory, bytes
 * @param diskUsedBytes        used space of the filesystem holding the data directory, bytes
 * @param diskTotalBytes       size of that filesystem, bytes
 * @param networkReceivedBytes bytes received by the host's non-loopback interfaces since boot (counter)
 * @param networkSentBytes     bytes sent by them since boot (counter)
 * @param heapUsedBytes        JVM heap in use, bytes
 * @param heapMaxBytes         the heap's limit ({@code -Xmx}), bytes, {@code -1} when unbounded
 * @param gcCount              garbage collections since JVM start, all collectors (counter)
 * @param gcTimeMillis         time spent in them, ms (counter)
 * @param threads              live platform threads of the JVM (virtual threads are not counted)
 */
public record HostReading(double hostCpuLoad, double processCpuLoad, long memoryUsedBytes, long memoryTotalBytes,
                          long diskUsedBytes, long diskTotalBytes, long networkReceivedBytes, long networkSentBytes,
                          long heapUsedBytes, long heapMaxBytes, long gcCount, long gcTimeMillis, int threads) {

    /** Host memory in use as a share of the total, 0..1, or {@code NaN} when unknown. */
    public double memoryUsedRatio() {
        return ratio(memoryUsedBytes, memoryTotalBytes);
    }

    /** The data directory's filesystem use as a share of its size, 0..1, or {@code NaN} when unknown. */
    public double diskUsedRatio() {
        return ratio(diskUsedBytes, diskTotalBytes);
    }

    /** Heap in use as a share of its limit, 0..1, or {@code NaN} when the heap is unbounded. */
    public double heapUsedRatio() {
        return ratio(heapUsedBytes, heapMaxBytes);
    }

    private static double ratio(long used, long total) {
        return used < 0 || total <= 0 ? Double.NaN : Math.min(1.0, (double) used / total);
    }
}
