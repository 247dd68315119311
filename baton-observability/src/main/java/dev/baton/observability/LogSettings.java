package dev.baton.observability;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.ConfigTree;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a node writes its log: the line format and the level of Baton's own loggers ({@code dev.baton}).
 *
 * <pre>{@code
 * observability:
 *   logs:
 *     format: json     # json | text; default: json for `baton server`, text for the other commands
 *     level: info      # trace | debug | info | warn | error; default: info for `baton server`, warn otherwise
 * }</pre>
 *
 * <p>The environment variables {@value #FORMAT_VARIABLE} and {@value #LEVEL_VARIABLE} override the file
 * ({@link #withEnvironment}). A {@code null} component means "the mode's default" ({@link #format(Mode)},
 * {@link #level(Mode)}): the server and the CLI differ because the CLI's stdout carries command output and its
 * stderr is read by a person. Immutable; thread-safe.
 *
 * @param format the line format, or {@code null} for the mode's default
 * @param level  the level of the {@code dev.baton} loggers, or {@code null} for the mode's default
 */
public record LogSettings(Format format, Level level) {
    /** Every part at the mode's default. */
    public static final LogSettings DEFAULT = new LogSettings(null, null);
    /** Overrides {@code observability.logs.format}: {@code json} or {@code text}. */
    public static final String FORMAT_VARIABLE = "BATON_LOG_FORMAT";
    /** Overrides {@code observability.logs.level}: {@code trace} … {@code error}. */
    public static final String LEVEL_VARIABLE = "BATON_LOG_LEVEL";

    /** A log line's format. */
    public enum Format {
        /** One JSON object per line (logstash-logback-encoder): for log collectors. */
        JSON("json"),
        /** One human-readable line per event: for a terminal. */
        TEXT("text");

        private final String configName;

        Format(String configName) {
            this.configName = configName;
        }

        /** The name in {@code baton.yaml} and {@value #FORMAT_VARIABLE}. */
        public String configName() {
            return configName;
        }
    }

    /** A log level, as SLF4J names them. */
    public enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR;

        /** The name in {@code baton.yaml} and {@value #LEVEL_VARIABLE} (lower case). */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the log is written from: the defaults differ. */
    public enum Mode {
        /** {@code baton server}: JSON at INFO (collected by a container runtime or a log shipper). */
        SERVER,
        /** The other commands ({@code run}, {@code validate}, ...): text at WARN on stderr. */
        CLI
    }

    /** The format in {@code mode}: the configured one, else JSON for the server and text for the CLI. */
    public Format format(Mode mode) {
        if (format != null) {
            return format;
        }
        return mode == Mode.SERVER ? Format.JSON : Format.TEXT;
    }

    /** The level of {@code dev.baton} in {@code mode}: the configured one, else INFO for the server, WARN otherwise. */
    public Level level(Mode mode) {
        if (level != null) {
            return level;
        }
        return mode == Mode.SERVER ? Level.INFO : Level.WARN;
    }

    /**
     * These settings with {@value #FORMAT_VARIABLE} and {@value #LEVEL_VARIABLE} applied on top (blank or unset
     * variables change nothing).
     *
     * @throws BatonException INVALID_INPUT naming the variable when its value is not a format or a level
     */
    public LogSettings withEnvironment(Map<String, String> environment) {
        String formatText = environment.get(FORMAT_VARIABLE);
        String levelText = environment.get(LEVEL_VARIABLE);
        Format newFormat = formatText == null || formatText.isBlank() ? format
                : parse(FORMAT_VARIABLE, formatText, formats());
        Level newLevel = levelText == null || levelText.isBlank() ? level
                : parse(LEVEL_VARIABLE, levelText, levels());
        return new LogSettings(newFormat, newLevel);
    }

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static LogSettings read(ConfigTree tree) {
        tree.fields(Set.of("format", "level"));
        return new LogSettings(tree.get("format").choice(null, formats()), tree.get("level").choice(null, levels()));
    }

    private static <T> T parse(String variable, String text, Map<String, T> choices) {
        T chosen = choices.get(text.strip().toLowerCase(Locale.ROOT));
        if (chosen == null) {
            throw BatonException.invalidInput(variable, "must be one of " + String.join(", ", choices.keySet())
                    + ", got '" + text.strip() + "'");
        }
        return chosen;
    }

    private static Map<String, Format> formats() {
        Map<String, Format> choices = new LinkedHashMap<>();
        for (Format f : Format.values()) {
            choices.put(f.configName(), f);
        }
        return choices;
    }

    private static Map<String, Level> levels() {
        Map<String, Level> choices = new LinkedHashMap<>();
        for (Level l : Level.values()) {
            choices.put(l.configName(), l);
        }
        return choices;
    }
}
