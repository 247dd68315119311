package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain text table for the analytics commands: columns as wide as their widest cell, two spaces apart. */
final class AnalyticsTable {
    private final List<String[]> rows = new ArrayList<>();

    AnalyticsTable(String... header) {
        rows.add(header);
    }

    void row(String... cells) {
        rows.add(cells);
    }

    /** Prints the table, or {@code empty} when it has no row besides the header. */
    void print(PrintWriter out, String empty) {
        if (rows.size() == 1) {
            out.println(empty);
            return;
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? String.format("%-" + widths[i] + "s", row[i])
                        : "  " + String.format("%" + widths[i] + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** A 0..1 rate as a percentage with one decimal, {@code -} when null or missing. */
    static String percent(JsonNode rate) {
        return rate.isNumber() ? String.format(Locale.ROOT, "%.1f%%", rate.asDouble() * 100) : "-";
    }

    /** One percentile of a {@code {p50, p95, p99}} object in whole milliseconds, {@code -} when null. */
    static String millis(JsonNode percentiles, String name) {
        JsonNode value = percentiles.path(name);
        return value.isNumber() ? String.format(Locale.ROOT, "%.0f", value.asDouble()) : "-";
    }

    /** The usage object's cost with four decimals. */
    static String usd(JsonNode usage) {
        return String.format(Locale.ROOT, "%.4f", usage.path("costUsd").asDouble());
    }

    /** The most frequent error code with its count, {@code -} when none. */
    static String topError(JsonNode errors) {
        if (errors.isEmpty()) {
            return "-";
        }
        JsonNode top = errors.get(0);
        return top.path("code").asText() + " x" + top.path("count").asLong();
    }
}
