package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What every command is given: the composition root, one JSON mapper, the environment, and the clocks
 * (wall clock for timestamps in file names, a monotonic nanosecond source for elapsed times).
 *
 * @param backend  builds local nodes and validates workflows
 * @param json     the JSON mapper for everything the CLI reads and prints
 * @param env      environment variables ({@code BATON_PROGRESS}, {@code BATON_DEBUG})
 * @param clock    wall clock
 * @param nanoTime monotonic time in nanoseconds, like {@link System#nanoTime()}
 */
public record CliContext(CliBackend backend, ObjectMapper json, Map<String, String> env, InstantSource clock,
                         LongSupplier nanoTime) {
    public CliContext {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(json, "json");
        env = Map.copyOf(env);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The context of a real process. */
    public static CliContext of(CliBackend backend) {
        return new CliContext(backend, new ObjectMapper(), System.getenv(), InstantSource.system(), System::nanoTime);
    }

    boolean debug() {
        String value = env.get("BATON_DEBUG");
        return value != null && !value.isBlank() && !"0".equals(value) && !"false".equalsIgnoreCase(value);
    }
}
