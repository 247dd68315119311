package dev.baton.server.logging;

import net.logstash.logback.mask.ValueMasker;
import tools.jackson.core.TokenStreamContext;

/**
 * The JSON format's secret masking: every string value the encoder writes (message, MDC values, stack trace,
 * arguments) goes through {@link SecretMask#mask}. Registered on the encoder through logstash-logback-encoder's
 * {@code MaskingJsonGeneratorDecorator}. Stateless; thread-safe.
 */
public final class SecretValueMasker implements ValueMasker {
    /** The masked value, or {@code null} (logstash's "leave it as it is") when it holds no secret. */
    @Override
    public Object mask(TokenStreamContext context, Object value) {
        if (value instanceof CharSequence text) {
            String original = text.toString();
            String masked = SecretMask.mask(original);
            return masked.equals(original) ? null : masked;
        }
        return null;
    }
}
