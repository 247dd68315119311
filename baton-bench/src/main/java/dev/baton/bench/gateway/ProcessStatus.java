package dev.baton.bench.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What Linux reports about another process: resident set now ({@code VmRSS}) and its peak since start
 * ({@code VmHWM}) in MiB, threads, and user + system CPU time in ms (from {@code /proc/<pid>/stat}, clock ticks of
 * 10 ms). Fields are -1 when the process is gone or the system is not Linux.
 *
 * @param rssMiB     resident set now
 * @param peakRssMiB peak resident set since the process started
 * @param threads    threads now
 * @param cpuMillis  user + system CPU time used so far
 */
record ProcessStatus(double rssMiB, double peakRssMiB, int threads, long cpuMillis) {

    /** A snapshot of process {@code pid}. */
    static ProcessStatus of(long pid) {
        long rss = -1024;
        long hwm = -1024;
        int threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process has exited
        }
        return new ProcessStatus(rss / 1024.0, hwm / 1024.0, threads, cpuMillis(pid));
    }

    /** User + system CPU of {@code pid} in ms, or -1. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command start at "state" (field 3 of the line): utime is field 14, stime 15
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).replace("kB", "").trim());
    }

    String format() {
        return String.format(Locale.ROOT, "RSS %.0f MiB, peak RSS (VmHWM) %.0f MiB, %d threads, CPU %.1f s",
                rssMiB, peakRssMiB, threads, cpuMillis / 1000.0);
    }
}
