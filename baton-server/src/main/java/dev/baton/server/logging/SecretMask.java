package dev.baton.server.logging;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text that leaves the process through the log: what looks like a credential by its shape
 * ({@code Bearer …}, {@code Authorization: Basic …}, {@code x-api-key: …}, OpenAI/Anthropic-style {@code sk-…} keys,
 * {@code password=…}, {@code user:password@} in URLs) and every secret value the node resolved from its
 * configuration ({@link #remember}: deployment API keys, client keys, the store password), wherever it appears.
 * Each is replaced by {@value #MASK}; {@code env:NAME} / {@code file:/path} references are kept (they are not
 * secrets and say where one comes from).
 *
 * <p>The patterns catch the usual leaks; the remembered values catch a configured key echoed in any form (e.g.
 * an upstream's error body quoting it). A secret that has neither a known shape nor a remembered value cannot be
 * recognised: code must still not log secrets. Thread-safe; {@link #mask} is allocation-free when nothing matches
 * a remembered value.
 */
public final class SecretMask {
    /** What replaces a secret. */
    public static final String MASK = "***";
    /** Remembered values shorter than this are ignored (masking {@code "abc"} everywhere would garble logs). */
    static final int MIN_REMEMBERED_LENGTH = 8;

    /** Credential shapes; group 1 (when present) is kept, the rest of the match is masked. */
    private static final List<Pattern> SHAPES = List.of(
            // Bearer <token> anywhere (headers, messages, curl lines)
            Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{6,}"),
            // Authorization: Basic <credentials> ("basic" alone is too common a word to mask what follows it)
            Pattern.compile("(?i)(\\bauthorization[\"']?\\s*[:=]\\s*[\"']?basic\\s+)[A-Za-z0-9+/=]+"),
            // OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-…) style keys anywhere
            Pattern.compile("()\\bsk-[A-Za-z0-9_-]{8,}"),
            // key = value / "key": "value" for names that always hold secrets
            Pattern.compile("(?i)(\\b(?:x-api-key|api[_-]?key|apikey|x-goog-api-key|access[_-]?token|refresh[_-]?token"
                    + "|client[_-]?secret|password|passwd|pwd)[\"']?\\s*[:=]\\s*[\"']?)(?!env:|file:|\\*\\*\\*)"
                    + "[^\\s\"',;&}]+"),
            // scheme://user:password@host
            Pattern.compile("(://[^/\\s:@]+:)[^@/\\s]+(?=@)"));

    private static final Set<String> REMEMBERED = ConcurrentHashMap.newKeySet();

    private SecretMask() {
    }

    /**
     * Masks every occurrence of {@code secret} from now on (values shorter than {@value #MIN_REMEMBERED_LENGTH}
     * characters, blank or {@code null} are ignored). Called where the node resolves a secret from its
     * configuration. Remembered for the life of the process.
     */
    public static void remember(String secret) {
        if (secret != null && secret.strip().length() >= MIN_REMEMBERED_LENGTH) {
            REMEMBERED.add(secret.strip());
        }
    }

    /** {@code text} with every secret replaced by {@value #MASK}; the same instance when there is none. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : REMEMBERED) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, MASK);
            }
        }
        for (Pattern shape : SHAPES) {
            Matcher m = shape.matcher(masked);
            if (m.find()) {
                StringBuilder out = new StringBuilder(masked.length());
                do {
                    m.appendReplacement(out, Matcher.quoteReplacement(
                            (m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : "") + MASK));
                } while (m.find());
                m.appendTail(out);
                masked = out.toString();
            }
        }
        return masked;
    }
}
