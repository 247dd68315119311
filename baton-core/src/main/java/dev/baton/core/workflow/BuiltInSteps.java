package dev.baton.core.workflow;

import dev.baton.core.step.StepSignature;

import java.util.Map;
import java.util.Set;

/**
 * The flow-control step types built into the engine and the arguments they take (see docs/language.md):
 * {@code transform} ({@code value}), {@code sleep} ({@code duration}), {@code workflow} ({@code workflow},
 * {@code version?}, {@code inputs?}) and {@code map} ({@code items}, {@code concurrency?}, and either
 * {@code step} or {@code workflow}/{@code version?}/{@code inputs?}).
 *
 * <p>For {@code map}, {@link #MAP_OWN} is what remains in {@link Step#with()} after parsing: the per-item part
 * becomes {@link Step#body()}.
 */
public final class BuiltInSteps {
    public static final String TRANSFORM = "transform";
    public static final String SLEEP = "sleep";
    public static final String WORKFLOW = "workflow";
    public static final String MAP = "map";

    /** The arguments of a {@code map} step's own {@code with} after parsing. */
    public static final StepSignature MAP_OWN = new StepSignature(Set.of("items"), Set.of("concurrency"));

    /** Signatures of the built-in types as users write them. */
    public static final Map<String, StepSignature> SIGNATURES = Map.of(
            TRANSFORM, new StepSignature(Set.of("value"), Set.of()),
            SLEEP, new StepSignature(Set.of("duration"), Set.of()),
            WORKFLOW, new StepSignature(Set.of("workflow"), Set.of("version", "inputs")),
            MAP, new StepSignature(Set.of("items"), Set.of("concurrency", "step", "workflow", "version", "inputs")));

    /** Most items of a map step running at once, and the default. */
    public static final int MAX_MAP_CONCURRENCY = 1000;
    public static final int DEFAULT_MAP_CONCURRENCY = 8;

    private BuiltInSteps() {
    }

    public static boolean isBuiltIn(String type) {
        return SIGNATURES.containsKey(type);
    }
}
