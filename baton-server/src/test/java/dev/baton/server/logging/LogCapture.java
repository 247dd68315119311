package dev.baton.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.observability.LogSettings;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures everything the process logs while open, three ways: through the product's JSON encoder, through its
 * text encoder (both masked, as an operator sees them), and raw (message, MDC and stack trace before any
 * masking). Attached to the root logger of the global Logback context with {@code dev.baton} at DEBUG and the
 * rest at INFO; {@link #close()} restores the previous levels.
 */
final class LogCapture implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger baton = context.getLogger("dev.baton");
    private final Level rootLevel = root.getLevel();
    private final Level batonLevel = baton.getLevel();
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> jsonAppender = appender("capture-json", json,
            LogSettings.Format.JSON);
    private final OutputStreamAppender<ILoggingEvent> textAppender = appender("capture-text", text,
            LogSettings.Format.TEXT);
    private final ListAppender<ILoggingEvent> raw = new ListAppender<>();

    LogCapture() {
        raw.setContext(context);
        raw.setName("capture-raw");
        raw.start();
        root.addAppender(jsonAppender);
        root.addAppender(textAppender);
        root.addAppender(raw);
        root.setLevel(Level.INFO);
        baton.setLevel(Level.DEBUG);
    }

    private OutputStreamAppender<ILoggingEvent> appender(String name, ByteArrayOutputStream out,
                                                         LogSettings.Format format) {
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(LogOutput.encoder(context, format, LogSettings.Mode.SERVER));
        appender.setOutputStream(out);
        appender.setImmediateFlush(true);
        appender.start();
        return appender;
    }

    /** The JSON lines written so far. */
    List<String> jsonLines() {
        return json.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The text log written so far. */
    String text() {
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Every event's message, MDC and stack trace before masking, one block per event. */
    String raw() {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent event : new ArrayList<>(raw.list)) {
            out.append(event.getFormattedMessage()).append(' ').append(event.getMDCPropertyMap());
            if (event.getThrowableProxy() != null) {
                out.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        root.detachAppender(jsonAppender);
        root.detachAppender(textAppender);
        root.detachAppender(raw);
        jsonAppender.stop();
        textAppender.stop();
        raw.stop();
        root.setLevel(rootLevel);
        baton.setLevel(batonLevel);
    }
}
