package dev.baton.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.baton.observability.LogSettings;
import dev.baton.observability.LogSettings.Format;
import dev.baton.observability.LogSettings.Mode;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import net.logstash.logback.stacktrace.ShortenedThrowableConverter;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Configures Logback's console output from {@link LogSettings}, at run time: the {@code baton} process starts
 * with the text configuration from the class path and {@link #start} switches to the mode's format with the
 * environment's overrides; once the configuration file is read, {@link #apply} applies its
 * {@code observability.logs} section. A node embedded in another program (or a test) never calls {@link #start},
 * so its host's logging stays untouched.
 *
 * <p>Both formats go to <b>stderr</b>: the CLI's stdout carries command output, and {@code baton server}
 * prints its "listening on" line to stdout for scripts; container runtimes collect both streams.
 *
 * <ul>
 *   <li>JSON ({@link #jsonEncoder}): one object per line: {@code @timestamp} (UTC, ISO-8601), {@code level},
 *       {@code logger}, {@code thread}, {@code message}, {@code node} (the node id, once {@link #node} named it),
 *       every MDC key (e.g. {@code requestId}, {@code runId},
 *       {@code workflowId}, {@code stepId}, {@code attempt}, {@code traceId}, {@code spanId}) and for errors
 *       {@code stack_trace} (at most {@value #MAX_DEPTH} frames per cause, {@value #MAX_STACK_TRACE} characters,
 *       reflection frames left out).</li>
 *   <li>Text ({@link #textEncoder}): one line per event, MDC as {@code [key=value, …]}.</li>
 * </ul>
 * Every string in either format goes through {@link SecretMask}. Levels: {@code dev.baton} at the settings'
 * level, Jetty and Javalin at WARN, DJL at ERROR, everything else at WARN. Thread-safe.
 */
public final class LogOutput {
    /** Frames kept per throwable in {@code stack_trace}. */
    static final int MAX_DEPTH = 40;
    /** Longest {@code stack_trace}, in characters. */
    static final int MAX_STACK_TRACE = 16_384;
    private static final String APPENDER = "console";
    private static final String SERVER_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{30}"
            + "%replace( [%X]){' \\[\\]', ''} - %msg%n";
    private static final String CLI_PATTERN = "%level %logger{0}: %msg%n";

    /** This process's node id ({@code cluster.nodeId}), written into every JSON line as {@code node}; or null. */
    private static final AtomicReference<String> NODE = new AtomicReference<>();

    /** The mode and environment the process started with; null in an embedding program. */
    private static final AtomicReference<Started> STARTED = new AtomicReference<>();

    private record Started(Mode mode, Map<String, String> environment) {
    }

    private LogOutput() {
    }

    /**
     * Switches the process's console log to {@code mode}'s defaults with {@value LogSettings#FORMAT_VARIABLE} and
     * {@value LogSettings#LEVEL_VARIABLE} applied. Called once by the {@code baton} command's {@code main}.
     *
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the variable when one is malformed
     */
    public static void start(Mode mode, Map<String, String> environment) {
        Started started = new Started(Objects.requireNonNull(mode, "mode"), Map.copyOf(environment));
        LogSettings settings = LogSettings.DEFAULT.withEnvironment(started.environment());
        STARTED.set(started);
        apply(settings);
    }

    /**
     * Names the node in every JSON log line from the next {@link #apply} on (field {@code node}), so that the
     * lines of several nodes shipped to one place can be told apart.
     *
     * @param nodeId the node's id, or {@code null} for none
     */
    public static void node(String nodeId) {
        NODE.set(nodeId);
    }

    /**
     * Applies the configuration file's settings (the environment still wins) when the process was started by
     * {@link #start}; does nothing otherwise.
     *
     * @return whether the output was reconfigured
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the variable when one is malformed
     */
    public static boolean apply(LogSettings settings) {
        Started started = STARTED.get();
        if (started == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        configure(context, settings.withEnvironment(started.environment()), started.mode());
        return true;
    }

    /** Replaces {@code context}'s configuration by a stderr console appender in the settings' format. */
    static void configure(LoggerContext context, LogSettings settings, Mode mode) {
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setTarget("System.err");
        console.setEncoder(encoder(context, settings.format(mode), mode));
        console.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("dev.baton").setLevel(Level.toLevel(settings.level(mode).name()));
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("io.javalin").setLevel(Level.WARN);
        // DJL (the tokenizer under LangChain4j) warns about CUDA and max lengths on every model load
        context.getLogger("ai.djl").setLevel(Level.ERROR);
        // reset() leaves the context unable to log until it is started again
        context.start();
    }

    /** The started encoder of {@code format}. */
    public static Encoder<ILoggingEvent> encoder(LoggerContext context, Format format, Mode mode) {
        return switch (format) {
            case JSON -> jsonEncoder(context);
            case TEXT -> textEncoder(context, mode);
        };
    }

    /** The started JSON encoder: one object per line, secrets masked (see the class comment for the fields). */
    public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        LogstashFieldNames names = new LogstashFieldNames();
        names.setLogger("logger");
        names.setThread("thread");
        names.setVersion(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
        names.setLevelValue(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
        encoder.setFieldNames(names);
        encoder.setTimeZone("UTC");
        encoder.setIncludeContext(false);
        String node = NODE.get();
        if (node != null) {
            // a node id is [A-Za-z0-9._:-] (ClusterSettings): nothing to escape in JSON
            encoder.setCustomFields("{\"node\":\"" + node + "\"}");
        }
        ShortenedThrowableConverter stackTrace = new ShortenedThrowableConverter();
        stackTrace.setContext(context);
        stackTrace.setMaxDepthPerThrowable(MAX_DEPTH);
        stackTrace.setMaxLength(MAX_STACK_TRACE);
        stackTrace.setExcludes(List.of("^java\\.lang\\.reflect\\.", "^jdk\\.internal\\.reflect\\.",
                "^sun\\.reflect\\."));
        encoder.setThrowableConverter(stackTrace);
        MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
        masking.addValueMasker(new SecretValueMasker());
        masking.start();
        encoder.addDecorator(masking);
        encoder.start();
        return encoder;
    }

    /** The started text encoder of {@code mode}, secrets masked. */
    public static Encoder<ILoggingEvent> textEncoder(LoggerContext context, Mode mode) {
        MaskingPatternLayout layout = new MaskingPatternLayout();
        layout.setContext(context);
        layout.setPattern(mode == Mode.SERVER ? SERVER_PATTERN : CLI_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }
}
