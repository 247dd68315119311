package dev.baton.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process from Linux's {@code /proc/<pid>/stat} (clock ticks of 10 ms). */
final class ProcFs {
    private ProcFs() {
    }

    /**
     * User + system CPU of {@code pid} in ms, plus that of its reaped children ({@code cutime + cstime}) when
     * {@code withReapedChildren}; -1 when the process is gone or this is not Linux.
     */
    static long cpuMillis(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command start at "state" (field 3 of proc(5)): utime is field 14, stime 15,
            // cutime 16, cstime 17
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (withReapedChildren) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks * 10;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }
}
