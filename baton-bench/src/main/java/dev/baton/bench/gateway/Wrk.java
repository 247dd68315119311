package dev.baton.bench.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} (Debian package {@code wrk}) closed-loop for the maximum request rate: {@code -t} threads,
 * {@code -c} keep-alive connections, each sending its next request as soon as the previous response ended, a
 * {@code POST} of a JSON body with {@code Cache-Control: no-cache} set by a generated Lua script. For streams the
 * script also counts responses that are 200 and contain {@code data: [DONE]} (wrk counts a streamed response
 * when its last chunk arrived, so its latency is the whole stream).
 */
final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|75|90|99)%\\s+([\\d.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: (.*)");
    private static final Pattern STREAMS = Pattern.compile("bench: complete streams (\\d+), without \\[DONE] (\\d+)");

    private Wrk() {
    }

    /**
     * One run's summary; latencies in ms.
     *
     * @param command       the command line
     * @param rate          requests/s
     * @param requests      requests completed
     * @param p50           ms
     * @param p99           ms
     * @param non2xx        responses with another status
     * @param socketErrors  wrk's socket error line, or "none"
     * @param complete      streams: 200 responses containing {@code [DONE]} (-1 for whole responses)
     * @param incomplete    streams: responses without it (-1 for whole responses)
     * @param raw           wrk's full output
     */
    record Result(String command, double rate, long requests, double p50, double p99, long non2xx,
                  String socketErrors, long complete, long incomplete, String raw) {
    }

    /** Runs wrk against {@code url} with {@code body} and waits for it. */
    static Result run(Path wrk, URI url, String body, boolean stream, int threads, int connections,
                      Duration duration, Path scriptDirectory) throws IOException, InterruptedException {
        return run(wrk, url, body, stream, threads, connections, duration, scriptDirectory, 0);
    }

    /**
     * As above; with {@code meanDelayMs > 0} each connection waits a random, exponentially distributed time of
     * that mean before each request, so the requests of all connections arrive as a Poisson process of rate
     * {@code connections / (meanDelayMs + latency)} (the usual open-loop model of independent clients; wrk's
     * latency excludes the delay).
     */
    static Result run(Path wrk, URI url, String body, boolean stream, int threads, int connections,
                      Duration duration, Path scriptDirectory, double meanDelayMs)
            throws IOException, InterruptedException {
        Path script = scriptDirectory.resolve(stream ? "post-stream.lua" : meanDelayMs > 0 ? "paced.lua" : "post.lua");
        String text = script(body, stream);
        if (meanDelayMs > 0) {
            text += String.format(Locale.ROOT, """
                    local threads = 0
                    function setup(thread) threads = threads + 1; thread:set("id", threads) end
                    function init(args) math.randomseed(os.time() * 1000 + id) end
                    function delay() return math.floor(-math.log(1 - math.random()) * %.3f) end
                    """, meanDelayMs);
        }
        Files.writeString(script, text);
        List<String> command = List.of(wrk.toString(), "-t", Integer.toString(threads), "-c",
                Integer.toString(connections), "-d", duration.toSeconds() + "s", "--timeout", "30s", "--latency",
                "-s", script.toString(), url.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String raw = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0 || !RATE.matcher(raw).find()) {
            throw new IllegalStateException("wrk failed (exit " + exit + "): " + String.join(" ", command) + "\n"
                    + raw);
        }
        return parse(String.join(" ", command), raw);
    }

    static Result parse(String command, String raw) {
        Matcher rate = RATE.matcher(raw);
        rate.find();
        Matcher total = TOTAL.matcher(raw);
        long requests = total.find() ? Long.parseLong(total.group(1)) : -1;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher p = PERCENTILE.matcher(raw);
        while (p.find()) {
            double ms = millis(Double.parseDouble(p.group(2)), p.group(3));
            switch (p.group(1)) {
                case "50" -> p50 = ms;
                case "99" -> p99 = ms;
                default -> {
                    // 75 and 90 stay in the raw output
                }
            }
        }
        Matcher non2xx = NON_2XX.matcher(raw);
        Matcher socket = SOCKET.matcher(raw);
        Matcher streams = STREAMS.matcher(raw);
        boolean counted = streams.find();
        return new Result(command, Double.parseDouble(rate.group(1)), requests, p50, p99,
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socket.find() ? socket.group(1).trim() : "none",
                counted ? Long.parseLong(streams.group(1)) : -1, counted ? Long.parseLong(streams.group(2)) : -1, raw);
    }

    private static double millis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }

    /** The Lua script: method, body and headers; for streams, counting of complete streams across threads. */
    static String script(String body, boolean stream) {
        String request = """
                wrk.method = "POST"
                wrk.body = [==[%s]==]
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Cache-Control"] = "no-cache"
                """.formatted(body);
        if (!stream) {
            return request;
        }
        return request + """
                local threads = {}
                function setup(thread) table.insert(threads, thread) end
                function init(args) complete = 0; incomplete = 0 end
                function response(status, headers, body)
                  if status == 200 and string.find(body, "data: [DONE]", 1, true) then
                    complete = complete + 1
                  else
                    incomplete = incomplete + 1
                  end
                end
                function done(summary, latency, requests)
                  local c, x = 0, 0
                  for _, t in ipairs(threads) do c = c + t:get("complete"); x = x + t:get("incomplete") end
                  io.write(string.format("bench: complete streams %d, without [DONE] %d\\n", c, x))
                end
                """;
    }

    static String summary(Result r) {
        return String.format(Locale.ROOT, "%9.1f req/s  (%d requests)  p50 %8.3f ms  p99 %8.3f ms  non-2xx %d  "
                        + "socket errors: %s%s", r.rate(), r.requests(), r.p50(), r.p99(), r.non2xx(), r.socketErrors(),
                r.complete() < 0 ? "" : "  streams with [DONE] " + r.complete() + ", without " + r.incomplete());
    }
}
