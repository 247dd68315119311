package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects the problems of a step's constant arguments at workflow validation time
 * ({@link dev.baton.core.step.StepHandler#checkArguments}) by running the same argument readers the step uses
 * when it executes, so both report the same message for the same mistake. Not thread-safe (one per check).
 */
final class ArgumentChecks {
    /** A check that throws {@code INVALID_ARGUMENT} on a problem. */
    @FunctionalInterface
    interface Check {
        void run();
    }

    private final ObjectNode constants = Json.NODES.objectNode();
    private final List<FieldError> problems = new ArrayList<>();

    ArgumentChecks(Map<String, JsonNode> constants) {
        constants.forEach(this.constants::set);
    }

    /** The constant arguments as an object, for the readers that take the whole {@code with}. */
    ObjectNode arguments() {
        return constants;
    }

    /** The constant value of {@code name}, or null when absent, null or computed by an expression. */
    JsonNode constant(String name) {
        return Arguments.optional(constants, name);
    }

    /** Runs {@code check} when {@code name} is a constant. */
    ArgumentChecks ifConstant(String name, Check check) {
        if (constant(name) != null) {
            run(check);
        }
        return this;
    }

    /** Runs {@code check}, recording its {@code INVALID_ARGUMENT} as problems. */
    ArgumentChecks run(Check check) {
        try {
            check.run();
        } catch (BatonException e) {
            if (e.code() != ErrorCode.INVALID_ARGUMENT) {
                throw e;
            }
            if (e.errors().isEmpty()) {
                problems.add(new FieldError("", e.getMessage()));
            } else {
                e.errors().forEach(error -> problems.add(new FieldError(error.field(), error.message())));
            }
        }
        return this;
    }

    List<FieldError> problems() {
        return List.copyOf(problems);
    }
}
