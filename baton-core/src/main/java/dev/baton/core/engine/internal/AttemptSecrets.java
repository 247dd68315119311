package dev.baton.core.engine.internal;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.expr.SecretReference;
import dev.baton.core.expr.SecretValues;
import dev.baton.core.run.StepError;
import dev.baton.core.secret.Redaction;
import dev.baton.core.secret.SecretSource;
import dev.baton.core.step.StepSignature;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The secret values of one handler attempt: resolved from the {@link SecretSource} as the run's tenant right
 * before the handler executes, rendered into the arguments handed to it (and only those: the journaled arguments
 * hold {@code [secret:NAME]}), and scrubbed from the attempt's output and error by {@link #scrub}.
 *
 * <p>References outside the fields the step type accepts secrets in ({@link StepSignature#secretFields()}) are
 * refused here too, so that a workflow that was never validated cannot send a secret elsewhere. Confined to the
 * attempt's thread.
 */
final class AttemptSecrets implements SecretValues {
    private final Map<String, String> values;
    private final Redaction redaction;

    private AttemptSecrets(Map<String, String> values) {
        this.values = values;
        this.redaction = Redaction.of(values.values());
    }

    /**
     * Looks up every secret the references name.
     *
     * @param stepId the attempt's step id, for messages
     * @throws BatonException INVALID_WORKFLOW for a reference where the type accepts none; INVALID_ARGUMENT for a
     *                        secret the tenant does not have (naming it, never a value); what the source throws
     */
    static AttemptSecrets resolve(SecretSource source, String tenantId, String stepId, String type,
                                  StepSignature signature, List<SecretReference> references) {
        Map<String, String> values = new LinkedHashMap<>();
        for (SecretReference reference : references) {
            if (!signature.acceptsSecretAt(reference.argument())) {
                throw new BatonException(ErrorCode.INVALID_WORKFLOW, reference.field() + ": secrets."
                        + reference.name() + " cannot be used here: step type '" + type + "' accepts secrets "
                        + (signature.secretFields().isEmpty() ? "in none of its arguments"
                        : "only in " + String.join(", ", new java.util.TreeSet<>(signature.secretFields()))));
            }
            if (values.containsKey(reference.name())) {
                continue;
            }
            Optional<String> value;
            try {
                value = source.lookup(tenantId, reference.name());
            } catch (BatonException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new BatonException(ErrorCode.STEP_FAILED, reference.field() + ": secret '" + reference.name()
                        + "' could not be read (" + e.getClass().getSimpleName() + ")");
            }
            if (value.isEmpty()) {
                throw new BatonException(ErrorCode.INVALID_ARGUMENT, reference.field() + ": step '" + stepId
                        + "' needs secret '" + reference.name() + "', which tenant '" + tenantId + "' does not have"
                        + " (see docs/security.md, \"Secrets\")");
            }
            values.put(reference.name(), value.get());
        }
        return new AttemptSecrets(values);
    }

    /** The arguments (paths relative to {@code with}) the references sit in; see {@code StepContext.secretArguments}. */
    static Set<String> arguments(List<SecretReference> references) {
        if (references.isEmpty()) {
            return Set.of();
        }
        Set<String> arguments = new LinkedHashSet<>();
        references.forEach(reference -> arguments.add(reference.argument()));
        return Collections.unmodifiableSet(arguments);
    }

    @Override
    public String value(SecretReference reference) {
        String value = values.get(reference.name());
        if (value == null) {
            throw new BatonException(ErrorCode.INTERNAL, "secret '" + reference.name() + "' was not resolved");
        }
        return value;
    }

    /** The redaction of these values. */
    Redaction redaction() {
        return redaction;
    }

    /** {@code outcome} with every value scrubbed from its output and its error message. */
    static Outcome scrub(Outcome outcome, Redaction redaction) {
        if (redaction.isEmpty()) {
            return outcome;
        }
        StepError error = outcome.error() == null ? null : new StepError(outcome.error().code(),
                redaction.scrub(outcome.error().message()), outcome.error().retriable());
        return new Outcome(outcome.status(), redaction.scrub(outcome.output()), error, outcome.recorded());
    }
}
