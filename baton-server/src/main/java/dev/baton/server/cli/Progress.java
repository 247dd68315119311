package dev.baton.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reports a batch's progress on stderr: a bar redrawn in place (at most every 100 ms) when stderr is a terminal,
 * a plain line at most every {@code lineInterval} otherwise (logs and CI), or nothing. Always ends with a final
 * state. Safe to call from many threads: counters are atomic and only one thread wins each redraw slot.
 */
final class Progress implements AutoCloseable {

    /** How progress is shown. */
    enum Mode {
        /** A bar redrawn in place with carriage returns: for terminals. */
        BAR,
        /** Periodic plain lines: for redirected stderr. */
        LINES,
        /** Nothing. */
        NONE
    }

    private static final long BAR_REDRAW_NANOS = Duration.ofMillis(100).toNanos();
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final int total;
    private final Mode mode;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final long startNanos;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong lastDraw;
    /** How many runs had finished at the last drawing, so the final state is not printed twice. */
    private final AtomicInteger lastDrawnDone = new AtomicInteger(-1);

    Progress(PrintWriter err, int total, Mode mode, LongSupplier nanoTime, Duration lineInterval) {
        this.err = err;
        this.total = total;
        this.mode = mode;
        this.nanoTime = nanoTime;
        this.intervalNanos = mode == Mode.BAR ? BAR_REDRAW_NANOS : lineInterval.toNanos();
        this.startNanos = nanoTime.getAsLong();
        this.lastDraw = new AtomicLong(startNanos);
    }

    /**
     * The mode for this process: {@code BATON_PROGRESS} (bar, lines, none) when set (the {@code ./baton}
     * launcher sets it from whether stderr is a terminal), else a bar when the JVM has an interactive console.
     */
    static Mode detect(String setting) {
        if (setting != null && !setting.isBlank()) {
            return switch (setting.strip().toLowerCase(Locale.ROOT)) {
                case "bar" -> Mode.BAR;
                case "none", "off" -> Mode.NONE;
                default -> Mode.LINES;
            };
        }
        return ConsoleProbe.isInteractive() ? Mode.BAR : Mode.LINES;
    }

    /** Records one finished run and redraws when its slot has come. */
    void completed(boolean succeeded) {
        done.incrementAndGet();
        if (!succeeded) {
            failed.incrementAndGet();
        }
        if (mode == Mode.NONE) {
            return;
        }
        long now = nanoTime.getAsLong();
        long last = lastDraw.get();
        if (now - last >= intervalNanos && lastDraw.compareAndSet(last, now)) {
            draw(now, false);
        }
    }

    /** Draws the final state (ending the bar's line). */
    @Override
    public void close() {
        if (mode == Mode.BAR || mode == Mode.LINES && lastDrawnDone.get() != done.get()) {
            draw(nanoTime.getAsLong(), true);
        }
    }

    private void draw(long now, boolean last) {
        int finished = done.get();
        lastDrawnDone.set(finished);
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? finished / seconds : 0;
        String counts = String.format(Locale.ROOT, "%d/%d runs, %d failed, %.1f runs/s", finished, total,
                failed.get(), rate);
        if (mode == Mode.BAR) {
            int filled = total == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * finished / total);
            String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
            String eta = !last && rate > 0 ? String.format(Locale.ROOT, ", eta %ds", Math.round((total - finished) / rate)) : "";
            err.print("\r[" + bar + "] " + counts + eta + "   ");
            if (last) {
                err.println();
            }
        } else {
            err.println("progress: " + counts);
        }
        err.flush();
    }

    /** Whether the JVM is attached to an interactive terminal, on JDK 21 and on 22+ (where console() is never null). */
    static final class ConsoleProbe {
        private ConsoleProbe() {
        }

        static boolean isInteractive() {
            java.io.Console console = System.console();
            if (console == null) {
                return false;
            }
            try {
                // Console.isTerminal() exists from JDK 22; we compile for 21.
                return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }
    }
}
