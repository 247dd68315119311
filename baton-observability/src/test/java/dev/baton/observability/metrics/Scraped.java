package dev.baton.observability.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition, by series ({@code name{label="value",...}}, labels sorted). */
record Scraped(Map<String, Double> samples, String text) {

    static Scraped parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(normalized(line.substring(0, space)), Double.parseDouble(line.substring(space + 1)));
        }
        return new Scraped(samples, text);
    }

    /** {@code name{labels}} with its labels sorted by name. */
    private static String normalized(String series) {
        int brace = series.indexOf('{');
        if (brace < 0) {
            return series;
        }
        var labels = new java.util.ArrayList<String>();
        Matcher m = LABEL.matcher(series.substring(brace + 1, series.length() - 1));
        while (m.find()) {
            labels.add(m.group(1));
            labels.add(m.group(2));
        }
        return series(series.substring(0, brace), labels.toArray(String[]::new));
    }

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The value of one series, or null when it is not exported; labels as name/value pairs in any order. */
    Double value(String name, String... labels) {
        return samples.get(series(name, labels));
    }

    static String series(String name, String... labels) {
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

    /** Whether any series of metric {@code name} (a sample name: with _total, _bucket... as exported) exists. */
    boolean has(String name) {
        return samples.keySet().stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "{"));
    }
}
