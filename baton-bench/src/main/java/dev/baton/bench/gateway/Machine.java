package dev.baton.bench.gateway;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** How busy the machine is, printed beside every figure: load averages, CPU pressure, the UTC time. */
public final class Machine {
    private Machine() {
    }

    /** E.g. {@code 02:31:07Z load 3.10 2.85 2.40, cpu pressure some avg10 12.00}. */
    public static String load() {
        String averages;
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            averages = parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            averages = String.format(Locale.ROOT, "%.2f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        String pressure = "";
        try {
            String some = Files.readAllLines(Path.of("/proc/pressure/cpu")).getFirst();
            pressure = ", cpu pressure " + some.split(" ")[0] + " " + some.split(" ")[1];
        } catch (IOException | RuntimeException e) {
            // no PSI on this kernel
        }
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().substring(11) + " load " + averages
                + pressure;
    }

    /** The header line every harness starts with. */
    public static String describe() {
        return String.format(Locale.ROOT, "machine: %d cores, java %s (%s), %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.home"), load());
    }

    /**
     * The kernel's count of connections dropped because a listening socket's accept queue was full
     * ({@code TcpExt ListenOverflows} in {@code /proc/net/netstat}, machine-wide since boot), or -1. A harness
     * prints the difference over a phase: connections its client opened faster than the server accepted them.
     */
    static long listenOverflows() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split(" ");
                String[] values = lines.get(i + 1).split(" ");
                for (int f = 1; f < names.length && f < values.length; f++) {
                    if (names[0].equals("TcpExt:") && names[f].equals("ListenOverflows")) {
                        return Long.parseLong(values[f]);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The accept backlog of the socket listening on {@code port} ({@code Send-Q} of {@code ss -ltn} for a
     * listening socket), or "unknown" when {@code ss} is missing or says nothing.
     */
    static String listenBacklog(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ss.waitFor();
            String[] fields = out.strip().split("\\s+");
            return fields.length > 2 && fields[0].equals("LISTEN") ? fields[2] : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** CPU time this JVM (the harness: client and fake upstream) used so far, ms. */
    static long selfCpuMillis() {
        return ProcessStatus.cpuMillis(ProcessHandle.current().pid());
    }
}
