package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.LoadShedding;
import dev.baton.core.error.BatonException;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.baton.server.ConfigValues.integer;
import static dev.baton.server.ConfigValues.setting;
import static dev.baton.server.ConfigValues.text;

/**
 * Reads the {@code engine:} section of {@code baton.yaml} and its {@code BATON_ENGINE_*} variables into
 * {@link BatonConfig.Engine}: run and attempt limits, per-step-type limits and load shedding. The section's keys
 * are checked by {@link ConfigSource} before this runs; here wrong types and out-of-range values fail with
 * {@link BatonException} {@code INVALID_INPUT} naming the setting ({@code engine.loadShedding.queueDepth}).
 *
 * <pre>{@code
 * engine:
 *   maxRunningRuns: 10000
 *   maxQueuedRuns: 100000
 *   maxConcurrentAttempts: 10000
 *   stepTypeLimits: {embed: 4}
 *   loadShedding: {queueDepth: 50000, minPriority: 0}   # 429 for lower priorities from this queue depth
 * }</pre>
 *
 * <p>Stateless; thread-safe.
 */
final class EngineConfigReader {
    private EngineConfigReader() {
    }

    /**
     * Reads the section and the variables; a missing value keeps {@link BatonConfig#defaults()}'s.
     *
     * @param engineNode the section's tree (a missing node for none)
     * @param env        the environment (only the {@code BATON_ENGINE_*} variables are read)
     * @throws BatonException INVALID_INPUT naming the setting
     */
    static BatonConfig.Engine read(JsonNode engineNode, Map<String, String> env) {
        BatonConfig.Engine e = BatonConfig.defaults().engine();
        Map<String, Integer> limits = new LinkedHashMap<>();
        JsonNode limitsNode = engineNode.path("stepTypeLimits");
        if (!limitsNode.isMissingNode() && !limitsNode.isObject()) {
            throw BatonException.invalidInput("engine.stepTypeLimits", "must be a map of step type to limit");
        }
        for (Map.Entry<String, JsonNode> entry : limitsNode.properties()) {
            limits.put(entry.getKey(), integer("engine.stepTypeLimits." + entry.getKey(), entry.getValue().asText()));
        }
        return new BatonConfig.Engine(
                integer("engine.maxRunningRuns", setting(env, "BATON_ENGINE_MAX_RUNNING_RUNS",
                        text(engineNode, "maxRunningRuns"), String.valueOf(e.maxRunningRuns()))),
                integer("engine.maxQueuedRuns", setting(env, "BATON_ENGINE_MAX_QUEUED_RUNS",
                        text(engineNode, "maxQueuedRuns"), String.valueOf(e.maxQueuedRuns()))),
                integer("engine.maxConcurrentAttempts", setting(env, "BATON_ENGINE_MAX_CONCURRENT_ATTEMPTS",
                        text(engineNode, "maxConcurrentAttempts"), String.valueOf(e.maxConcurrentAttempts()))),
                limits, loadShedding(engineNode.path("loadShedding"), env));
    }

    /** {@code engine.loadShedding}: both values default to {@link LoadShedding#DEFAULT}'s. */
    private static LoadShedding loadShedding(JsonNode node, Map<String, String> env) {
        LoadShedding d = LoadShedding.DEFAULT;
        int depth = integer("engine.loadShedding.queueDepth", setting(env, "BATON_ENGINE_LOAD_SHEDDING_QUEUE_DEPTH",
                text(node, "queueDepth"), String.valueOf(d.queueDepth())));
        int minPriority = integer("engine.loadShedding.minPriority", setting(env,
                "BATON_ENGINE_LOAD_SHEDDING_MIN_PRIORITY", text(node, "minPriority"), String.valueOf(d.minPriority())));
        if (depth < 1 || depth > 10_000_000) {
            throw BatonException.invalidInput("engine.loadShedding.queueDepth",
                    "must be between 1 and 10000000, got " + depth);
        }
        if (minPriority < -100 || minPriority > 100) {
            throw BatonException.invalidInput("engine.loadShedding.minPriority",
                    "must be between -100 and 100, got " + minPriority);
        }
        return new LoadShedding(depth, minPriority);
    }
}
