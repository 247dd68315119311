package dev.baton.server.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@link PatternLayout} whose every line (message, MDC, stack trace) goes through
 * {@link SecretMask#mask}: the text format's secret masking. Usable from a {@code logback.xml} too:
 * {@code <layout class="dev.baton.server.logging.MaskingPatternLayout"><pattern>…</pattern></layout>}.
 */
public final class MaskingPatternLayout extends PatternLayout {
    @Override
    public String doLayout(ILoggingEvent event) {
        return SecretMask.mask(super.doLayout(event));
    }
}
