package dev.baton.server.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition as a scraper reads them: series ({@code name{label="value",...}},
 * labels sorted by name) to value.
 */
record Exposition(Map<String, Double> samples) {
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Exposition parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            int brace = series.indexOf('{');
            List<String> labels = new ArrayList<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(series.substring(brace + 1, series.length() - 1));
                while (m.find()) {
                    labels.add(m.group(1));
                    labels.add(m.group(2));
                }
                series = series.substring(0, brace);
            }
            samples.put(key(series, labels.toArray(String[]::new)), Double.parseDouble(line.substring(space + 1)));
        }
        return new Exposition(samples);
    }

    /** The value of one series, or null when it is not exported; labels as name/value pairs in any order. */
    Double value(String name, String... labels) {
        return samples.get(key(name, labels));
    }

    /** Whether some series of the sample name {@code name} ({@code _total}, {@code _bucket}... included) exists. */
    boolean has(String name) {
        return samples.keySet().stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "{"));
    }

    private static String key(String name, String... labels) {
        if (labels.length == 0) {
            return name;
        }
        var sorted = new TreeMap<String, String>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        var joined = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> joined.append(k).append("=\"").append(v).append("\","));
        joined.setLength(joined.length() - 1);
        return joined.append('}').toString();
    }
}
