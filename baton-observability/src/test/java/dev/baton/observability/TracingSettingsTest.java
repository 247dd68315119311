package dev.baton.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.config.SecretRef;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracingSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static TracingSettings read(String yaml) throws Exception {
        JsonNode tree = YAML.readTree(yaml);
        return ObservabilityConfigReader.read(tree).tracing();
    }

    @Test
    void tracing_is_off_with_the_otlp_defaults_when_the_section_is_absent() throws Exception {
        TracingSettings settings = read("metrics: {}");
        assertThat(settings).isEqualTo(TracingSettings.DEFAULT);
        assertThat(settings.enabled()).isFalse();
        assertThat(settings.endpoint()).isEqualTo(URI.create("http://localhost:4318/v1/traces"));
        assertThat(settings.sampleRatio()).isEqualTo(1.0);
        assertThat(settings.serviceName()).isEqualTo("baton");
        assertThat(settings.exportTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void reads_every_setting() throws Exception {
        TracingSettings settings = read("""
                tracing:
                  enabled: true
                  endpoint: https://collector.example:4318/v1/traces
                  sampleRatio: 0.25
                  serviceName: baton-eu
                  exportTimeout: 3s
                  headers:
                    Authorization: env:OTLP_AUTH
                    x-tenant: file:/run/secrets/tenant
                """);
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.endpoint()).isEqualTo(URI.create("https://collector.example:4318/v1/traces"));
        assertThat(settings.sampleRatio()).isEqualTo(0.25);
        assertThat(settings.serviceName()).isEqualTo("baton-eu");
        assertThat(settings.exportTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.headers()).containsEntry("Authorization", new SecretRef("env", "OTLP_AUTH"))
                .containsEntry("x-tenant", new SecretRef("file", "/run/secrets/tenant"));
    }

    @Test
    void rejects_a_sample_ratio_outside_zero_to_one() {
        assertThatThrownBy(() -> read("tracing: {sampleRatio: 1.5}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.sampleRatio")
                .hasMessageContaining("between 0");
    }

    @Test
    void rejects_an_endpoint_that_is_not_an_http_url() {
        assertThatThrownBy(() -> read("tracing: {endpoint: 'otel-collector:4317'}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.endpoint")
                .hasMessageContaining("http://");
    }

    @Test
    void rejects_a_literal_header_value() {
        assertThatThrownBy(() -> read("tracing: {headers: {Authorization: 'Bearer abc'}}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.headers.Authorization")
                .hasMessageContaining("secret reference");
    }

    @Test
    void rejects_a_header_without_a_value_naming_it() {
        assertThatThrownBy(() -> read("tracing:\n  headers:\n    Authorization:\n"))
                .isInstanceOf(BatonException.class)
                .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("observability.tracing.headers.Authorization")
                .hasMessageContaining("secret reference");
    }

    @Test
    void header_names_are_rfc_9110_tokens() {
        assertThat(HttpHeaderName.isValid("X-Api-Key")).isTrue();
        assertThat(HttpHeaderName.isValid("x_weird.name~1")).isTrue();
        assertThat(HttpHeaderName.isValid("bad name")).isFalse();
        assertThat(HttpHeaderName.isValid("colon:")).isFalse();
        assertThat(HttpHeaderName.isValid("")).isFalse();
        assertThat(HttpHeaderName.isValid(null)).isFalse();
    }

    @Test
    void rejects_an_invalid_header_name() {
        assertThatThrownBy(() -> read("tracing: {headers: {'bad name': env:X}}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.headers.bad name");
    }

    @Test
    void rejects_an_unknown_key_with_a_suggestion() {
        assertThatThrownBy(() -> read("tracing: {sampleRate: 0.5}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.sampleRate")
                .hasMessageContaining("did you mean 'sampleRatio'");
    }

    @Test
    void rejects_a_zero_export_timeout_and_a_wrong_type() {
        assertThatThrownBy(() -> read("tracing: {exportTimeout: 0s}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.exportTimeout");
        assertThatThrownBy(() -> read("tracing: {enabled: 'yes'}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.tracing.enabled");
    }

    @Test
    void the_standard_otel_variables_override_the_file() throws Exception {
        TracingSettings file = read("tracing: {enabled: true, serviceName: from-file, sampleRatio: 0.5}");
        TracingSettings resolved = file.withEnvironment(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/",
                "OTEL_SERVICE_NAME", "from-env",
                "OTEL_TRACES_SAMPLER_ARG", "0.1"));
        assertThat(resolved.endpoint()).isEqualTo(URI.create("http://collector:4318/v1/traces"));
        assertThat(resolved.serviceName()).isEqualTo("from-env");
        assertThat(resolved.sampleRatio()).isEqualTo(0.1);
        assertThat(resolved.enabled()).isTrue();

        TracingSettings traces = file.withEnvironment(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/custom"));
        assertThat(traces.endpoint()).isEqualTo(URI.create("http://traces:9999/custom"));
        assertThat(traces.serviceName()).isEqualTo("from-file");

        assertThat(file.withEnvironment(Map.of("OTEL_SDK_DISABLED", "true")).enabled()).isFalse();
        assertThat(file.withEnvironment(Map.of())).isEqualTo(file);
    }

    @Test
    void a_bad_otel_variable_is_named_in_the_error() throws Exception {
        TracingSettings file = read("tracing: {enabled: true}");
        assertThatThrownBy(() -> file.withEnvironment(Map.of("OTEL_TRACES_SAMPLER_ARG", "half")))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("OTEL_TRACES_SAMPLER_ARG");
        assertThatThrownBy(() -> file.withEnvironment(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector")))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    }
}
