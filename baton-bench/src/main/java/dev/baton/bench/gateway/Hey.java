package dev.baton.bench.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code hey} (github.com/rakyll/hey, Debian package {@code hey}) at a fixed rate: {@code -c} workers, each
 * limited to {@code -q} requests/s (so {@code -c 50 -q 20} offers 1,000 requests/s), for {@code -z} seconds, each
 * request a {@code POST} of a JSON body with {@code Cache-Control: no-cache}; and parses its summary. hey's
 * latency is the whole exchange (connection reuse: keep-alive), printed with 0.1 ms resolution.
 */
final class Hey {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("(\\d+)%+ in ([\\d.]+) secs");
    private static final Pattern STATUS = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses");
    private static final Pattern ERROR = Pattern.compile("^\\s+\\[(\\d+)]\\s+\\S+", Pattern.MULTILINE);
    private static final Pattern SLOWEST = Pattern.compile("Slowest:\\s+([\\d.]+) secs");

    private Hey() {
    }

    /**
     * One run's summary; latencies in ms.
     *
     * @param command  the command line, ready to paste into a shell
     * @param rate     requests/s achieved
     * @param p50      median latency, ms
     * @param p90      ms
     * @param p99      ms
     * @param slowest  ms
     * @param statuses responses per HTTP status
     * @param errors   requests that got no response (connection errors, timeouts)
     * @param raw      hey's full output
     */
    record Result(String command, double rate, double p50, double p90, double p99, double slowest,
                  Map<Integer, Long> statuses, long errors, String raw) {

        long responses() {
            return statuses.values().stream().mapToLong(Long::longValue).sum();
        }

        long ok() {
            return statuses.getOrDefault(200, 0L);
        }
    }

    /**
     * Runs hey against {@code url} and waits for it (its own timeout per request: 20 s): a POST of {@code body}
     * with {@code Cache-Control: no-cache}, or a GET when {@code body} is {@code null}.
     */
    static Result run(Path hey, URI url, Path body, int workers, int ratePerWorker, Duration duration)
            throws IOException, InterruptedException {
        return run(hey, url, body, true, workers, ratePerWorker, duration);
    }

    /** As above; without the {@code Cache-Control} header when {@code noCache} is false. */
    static Result run(Path hey, URI url, Path body, boolean noCache, int workers, int ratePerWorker,
                      Duration duration) throws IOException, InterruptedException {
        List<String> headers = noCache && body != null ? List.of("Cache-Control: no-cache") : List.of();
        return run(command(hey, url, body, headers, workers, ratePerWorker, duration));
    }

    /**
     * The hey command line: a {@code POST} of {@code body} as JSON, or a {@code GET} when {@code body} is
     * {@code null}, each request with {@code headers} ({@code "Name: value"}).
     */
    static List<String> command(Path hey, URI url, Path body, List<String> headers, int workers,
                                int ratePerWorker, Duration duration) {
        List<String> command = new java.util.ArrayList<>(List.of(hey.toString(), "-z", duration.toSeconds() + "s",
                "-c", Integer.toString(workers), "-q", Integer.toString(ratePerWorker)));
        if (body != null) {
            command.addAll(List.of("-m", "POST", "-T", "application/json"));
        }
        for (String header : headers) {
            command.addAll(List.of("-H", header));
        }
        if (body != null) {
            command.addAll(List.of("-D", body.toString()));
        }
        command.add(url.toString());
        return command;
    }

    /** Runs the hey {@code command} (of {@link #command}) and waits for it. */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String raw = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0 || !RATE.matcher(raw).find()) {
            throw new IllegalStateException("hey failed (exit " + exit + "): " + String.join(" ", command) + "\n"
                    + raw);
        }
        return parse(String.join(" ", quoted(command)).replaceAll("Bearer [^' ]+", "Bearer \\$KEY"), raw);
    }

    static Result parse(String command, String raw) {
        Matcher rate = RATE.matcher(raw);
        rate.find();
        Map<Integer, Double> percentiles = new TreeMap<>();
        Matcher p = PERCENTILE.matcher(raw);
        while (p.find()) {
            percentiles.put(Integer.parseInt(p.group(1)), Double.parseDouble(p.group(2)) * 1000);
        }
        Map<Integer, Long> statuses = new TreeMap<>();
        Matcher s = STATUS.matcher(raw);
        while (s.find()) {
            statuses.put(Integer.parseInt(s.group(1)), Long.parseLong(s.group(2)));
        }
        long errors = 0;
        int errorSection = raw.indexOf("Error distribution:");
        if (errorSection >= 0) {
            Matcher e = ERROR.matcher(raw.substring(errorSection));
            while (e.find()) {
                errors += Long.parseLong(e.group(1));
            }
        }
        Matcher slowest = SLOWEST.matcher(raw);
        return new Result(command, Double.parseDouble(rate.group(1)), percentiles.getOrDefault(50, Double.NaN),
                percentiles.getOrDefault(90, Double.NaN), percentiles.getOrDefault(99, Double.NaN),
                slowest.find() ? Double.parseDouble(slowest.group(1)) * 1000 : Double.NaN, statuses, errors, raw);
    }

    /** The arguments with those holding spaces single-quoted. */
    static List<String> quoted(List<String> command) {
        return command.stream().map(a -> a.contains(" ") || a.contains("{") ? "'" + a.replace("'", "'\\''") + "'" : a)
                .toList();
    }

    static String summary(Result r) {
        return String.format(Locale.ROOT, "%8.1f req/s  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %8.3f ms  "
                + "statuses %s  errors %d", r.rate(), r.p50(), r.p90(), r.p99(), r.slowest(), r.statuses(), r.errors());
    }
}
