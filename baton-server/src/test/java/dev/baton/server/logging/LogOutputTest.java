package dev.baton.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.observability.LogSettings;
import dev.baton.observability.LogSettings.Format;
import dev.baton.observability.LogSettings.Mode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> MDC = mdc();

    private static Map<String, String> mdc() {
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("requestId", "req-1");
        mdc.put("runId", "run-1");
        mdc.put("workflowId", "wf-1");
        mdc.put("stepId", "step-1");
        mdc.put("attempt", "2");
        mdc.put("traceId", "0af7651916cd43dd8448eb211c80319c");
        mdc.put("spanId", "b7ad6b7169203331");
        return mdc;
    }

    private static ILoggingEvent event(LoggerContext context, Level level, String message, Throwable error) {
        LoggingEvent event = new LoggingEvent("test", context.getLogger("dev.baton.test.Example"), level, message,
                error, null);
        event.setThreadName("worker-7");
        event.setMDCPropertyMap(MDC);
        return event;
    }

    private static String encode(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void a_json_line_names_the_node_once_it_is_known() throws Exception {
        LoggerContext context = new LoggerContext();
        String before = encode(LogOutput.jsonEncoder(context), event(context, Level.INFO, "before", null));
        LogOutput.node("baton-7");
        try {
            String after = encode(LogOutput.jsonEncoder(context), event(context, Level.INFO, "after", null));

            assertThat(JSON.readTree(before).has("node")).isFalse();
            assertThat(JSON.readTree(after).get("node").asText()).isEqualTo("baton-7");
        } finally {
            LogOutput.node(null);
        }
    }

    @Test
    void a_json_line_is_one_object_with_the_documented_fields_and_every_mdc_key() throws Exception {
        LoggerContext context = new LoggerContext();
        Encoder<ILoggingEvent> encoder = LogOutput.jsonEncoder(context);

        String line = encode(encoder, event(context, Level.INFO, "run finished", null));

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        assertThat(line.strip().lines()).hasSize(1);
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("logger").asText()).isEqualTo("dev.baton.test.Example");
        assertThat(json.get("thread").asText()).isEqualTo("worker-7");
        assertThat(json.get("message").asText()).isEqualTo("run finished");
        MDC.forEach((key, value) -> assertThat(json.get(key).asText()).as(key).isEqualTo(value));
        assertThat(json.has("@version")).isFalse();
        assertThat(json.has("level_value")).isFalse();
    }

    @Test
    void an_error_carries_a_shortened_stack_trace_with_secrets_masked() throws Exception {
        LoggerContext context = new LoggerContext();
        Encoder<ILoggingEvent> encoder = LogOutput.jsonEncoder(context);
        Exception error = new IllegalStateException("upstream said: bad key sk-abcdefghijklmnop1234",
                new RuntimeException("root cause"));

        JsonNode json = JSON.readTree(encode(encoder, event(context, Level.ERROR,
                "call failed with Authorization: Bearer abcdef123456", error)));

        assertThat(json.get("message").asText()).isEqualTo("call failed with Authorization: Bearer ***");
        String trace = json.get("stack_trace").asText();
        assertThat(trace).contains("IllegalStateException", "root cause", "bad key ***")
                .doesNotContain("sk-abcdefghijklmnop1234");
        assertThat(trace.length()).isLessThanOrEqualTo(LogOutput.MAX_STACK_TRACE);
    }

    @Test
    void a_text_line_shows_the_mdc_and_masks_secrets() {
        LoggerContext context = new LoggerContext();
        Encoder<ILoggingEvent> server = LogOutput.textEncoder(context, Mode.SERVER);
        Encoder<ILoggingEvent> cli = LogOutput.textEncoder(context, Mode.CLI);
        ILoggingEvent event = event(context, Level.WARN, "retrying with x-api-key: abc123def456", null);

        String serverLine = encode(server, event);
        String cliLine = encode(cli, event);

        assertThat(serverLine).contains("WARN", "[worker-7]", "requestId=req-1", "runId=run-1", "stepId=step-1",
                "x-api-key: ***").doesNotContain("abc123def456");
        assertThat(cliLine).isEqualTo("WARN Example: retrying with x-api-key: ***\n");
    }

    @Test
    void configure_sets_the_console_appender_and_levels_of_the_settings() {
        LoggerContext context = new LoggerContext();

        LogOutput.configure(context, new LogSettings(Format.TEXT, LogSettings.Level.DEBUG), Mode.SERVER);

        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("console")).isNotNull();
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("dev.baton").getLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);

        LogOutput.configure(context, LogSettings.DEFAULT, Mode.CLI);
        assertThat(context.getLogger("dev.baton").getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void a_configured_context_writes_json_lines_through_its_console_appender() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        LogOutput.configure(context, LogSettings.DEFAULT, Mode.SERVER);
        var console = (ConsoleAppender<ILoggingEvent>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .getAppender("console");
        assertThat(console.getTarget()).isEqualTo("System.err");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        console.setOutputStream(captured);

        context.getLogger("dev.baton.test.Example").info("node open");
        context.getLogger("dev.baton.test.Example").debug("not at the default level");
        context.getLogger("org.eclipse.jetty.Server").info("not below WARN for libraries");
        context.stop();

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode json = JSON.readTree(lines.getFirst());
        assertThat(json.get("message").asText()).isEqualTo("node open");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
    }

    @Test
    void apply_leaves_the_logging_of_a_program_that_did_not_start_it_alone() {
        assertThat(LogOutput.apply(new LogSettings(Format.JSON, LogSettings.Level.TRACE))).isFalse();
    }
}
