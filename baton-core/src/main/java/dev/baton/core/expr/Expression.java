package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One compiled CEL expression of a template: its source, its program and the steps it reads.
 * Immutable and thread-safe (CEL programs are).
 */
final class Expression {
    /** CEL prefixes run-time errors with the offset in the expression; the message names the expression. */
    private static final Pattern CEL_ERROR_PREFIX = Pattern.compile("^evaluation error(?: at [^:]*:\\d+)?: ");
    private static final int CLOCK_CHECK_INTERVAL = 64;

    private final String source;
    private final String field;
    private final CelRuntime.Program program;
    private final Set<String> referencedSteps;
    private final ExpressionLimits limits;

    Expression(String source, String field, CelRuntime.Program program, Set<String> referencedSteps,
               ExpressionLimits limits) {
        this.source = source;
        this.field = field;
        this.program = program;
        this.referencedSteps = Set.copyOf(referencedSteps);
        this.limits = limits;
    }

    String source() {
        return source;
    }

    /** The field path the expression sits at, e.g. {@code steps.fetch.with.url}. */
    String field() {
        return field;
    }

    Set<String> referencedSteps() {
        return referencedSteps;
    }

    /**
     * Evaluates the expression within the limits and converts the result to JSON.
     *
     * @throws BatonException EXPRESSION_FAILED naming the field and the expression
     */
    JsonNode evaluate(CelVariableResolver variables) {
        Object value = evaluateRaw(variables);
        try {
            return CelJson.toJson(value, new CelJson.Budget(limits));
        } catch (CelJson.ResultTooLarge | CelJson.NotJson e) {
            throw failure(e.getMessage(), null);
        } catch (StackOverflowError e) {
            throw failure(RESOURCE_BOUND, null);
        }
    }

    private Object evaluateRaw(CelVariableResolver variables) {
        Guard guard = new Guard(limits, System.nanoTime() + limits.timeout().toNanos());
        try {
            return program.trace(variables, guard);
        } catch (CelEvaluationException e) {
            LimitExceeded limit = findLimit(e);
            if (limit != null) {
                throw failure(limit.getMessage(), null);
            }
            throw failure(clean(e.getMessage()), e);
        } catch (LimitExceeded e) {
            throw failure(e.getMessage(), null);
        } catch (RuntimeException e) {
            LimitExceeded limit = findLimit(e);
            if (limit != null) {
                throw failure(limit.getMessage(), null);
            }
            throw failure(clean(String.valueOf(e.getMessage())), e);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // A single call can build a value far past maxStringLength before the guard sees it (e.g. a
            // 'replace' that multiplies a string's length); the JVM refuses the array or the stack runs out.
            throw failure(RESOURCE_BOUND, null);
        }
    }

    private static final String RESOURCE_BOUND =
            "evaluation exceeded the memory/size bound (a value too large or nested too deeply)";

    BatonException failure(String reason, Throwable cause) {
        String message = (field.isEmpty() ? "" : field + ": ") + "expression '" + source + "' failed: " + reason;
        return new BatonException(ErrorCode.EXPRESSION_FAILED, message, cause);
    }

    private static String clean(String message) {
        if (message == null) {
            return "evaluation error";
        }
        String cleaned = CEL_ERROR_PREFIX.matcher(message).replaceFirst("");
        return cleaned.isBlank() ? message : cleaned;
    }

    private static LimitExceeded findLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LimitExceeded limit) {
                return limit;
            }
        }
        return null;
    }

    /**
     * Watches an evaluation: after every evaluated sub-expression it checks the size of the intermediate value,
     * and every {@value #CLOCK_CHECK_INTERVAL} sub-expressions the wall clock. Not thread-safe: one per run.
     */
    private static final class Guard implements CelEvaluationListener {
        private final ExpressionLimits limits;
        private final long deadlineNanos;
        private int calls;

        Guard(ExpressionLimits limits, long deadlineNanos) {
            this.limits = limits;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void callback(dev.cel.common.ast.CelExpr expr, Object result) {
            switch (result) {
                case String s when s.length() > limits.maxStringLength() -> throw new LimitExceeded(
                        "a string value is longer than " + limits.maxStringLength() + " characters");
                case CelByteString b when b.size() > limits.maxStringLength() -> throw new LimitExceeded(
                        "a bytes value is longer than " + limits.maxStringLength() + " bytes");
                case Collection<?> c when c.size() > limits.maxCollectionSize() -> throw new LimitExceeded(
                        "a list has more than " + limits.maxCollectionSize() + " elements");
                case Map<?, ?> m when m.size() > limits.maxCollectionSize() -> throw new LimitExceeded(
                        "a map has more than " + limits.maxCollectionSize() + " entries");
                case null, default -> {
                }
            }
            if (++calls % CLOCK_CHECK_INTERVAL == 0 && System.nanoTime() - deadlineNanos > 0) {
                throw new LimitExceeded("evaluation took longer than " + limits.timeout().toMillis() + " ms");
            }
        }
    }

    /** Thrown by the guard; cheap (no stack trace). */
    private static final class LimitExceeded extends RuntimeException {
        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }
}
