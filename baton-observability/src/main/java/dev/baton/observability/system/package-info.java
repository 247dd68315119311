/**
 * Host monitoring: a {@link dev.baton.observability.system.HostProbe} reads CPU, memory, disk, network and JVM
 * figures ({@link dev.baton.observability.system.OshiHostProbe} with OSHI), a
 * {@link dev.baton.observability.system.SystemMonitor} samples it every interval on a virtual thread into a
 * bounded history and summarises a window (min/avg/max/p95 per {@link dev.baton.observability.system.SystemMetric}).
 *
 * <p>May depend on baton-core, OSHI (and its JNA), the JDK's management beans and SLF4J; never on the server,
 * the engine or the gateway.
 */
package dev.baton.observability.system;
