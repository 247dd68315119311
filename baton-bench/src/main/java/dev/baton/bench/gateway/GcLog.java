package dev.baton.bench.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures of a child JVM read from its unified GC log ({@code -Xlog:gc,gc+init:file=...}, see
 * {@link #jvmOption(Path)}): the heap used before each collection is the peak of the preceding interval, so the
 * largest "before" value is the peak heap used (to within the last interval without a collection, which
 * {@link #summary(Path)} reports separately); also the largest committed heap, the maximum heap and the number of
 * pauses. Cheap enough to leave on during measurements (one line per collection).
 *
 * @param collections   GC pauses logged
 * @param peakUsedMiB   largest heap used before a collection, MiB (-1 when there was none)
 * @param lastAfterMiB  heap used after the last collection, MiB (-1 when there was none)
 * @param peakCommittedMiB largest committed heap, MiB
 * @param maxHeapMiB    the heap limit the JVM chose or was given, MiB (-1 when the log does not say)
 */
record GcLog(int collections, long peakUsedMiB, long lastAfterMiB, long peakCommittedMiB, long maxHeapMiB) {
    private static final Pattern PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern MAX = Pattern.compile("Heap Max Capacity: (\\d+)M");

    /** The option that makes a JVM write the log this record reads. */
    static String jvmOption(Path file) {
        return "-Xlog:gc,gc+init:file=" + file;
    }

    /** Reads {@code file} (missing: no collections). */
    static GcLog summary(Path file) {
        return summary(file, 0);
    }

    /** Reads {@code file}, counting only the collections after the first {@code skip} (for one phase of a run). */
    static GcLog summary(Path file, int skip) {
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            lines = List.of();
        }
        int collections = 0;
        int seen = 0;
        long peakUsed = -1;
        long lastAfter = -1;
        long peakCommitted = -1;
        long max = -1;
        for (String line : lines) {
            Matcher m = MAX.matcher(line);
            if (m.find()) {
                max = Long.parseLong(m.group(1));
                continue;
            }
            m = PAUSE.matcher(line);
            if (m.find() && ++seen > skip) {
                collections++;
                peakUsed = Math.max(peakUsed, Long.parseLong(m.group(1)));
                lastAfter = Long.parseLong(m.group(2));
                peakCommitted = Math.max(peakCommitted, Long.parseLong(m.group(3)));
            }
        }
        return new GcLog(collections, peakUsed, lastAfter, peakCommitted, max);
    }

    String format() {
        return String.format(Locale.ROOT, "heap: peak used %d MiB (before a GC), after the last GC %d MiB, "
                + "peak committed %d MiB, max %d MiB, %d GC pauses", peakUsedMiB, lastAfterMiB, peakCommittedMiB,
                maxHeapMiB, collections);
    }
}
