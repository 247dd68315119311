package dev.baton.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static ObservabilityConfig read(String yaml) throws Exception {
        JsonNode tree = YAML.readTree(yaml);
        return ObservabilityConfigReader.read(tree);
    }

    @Test
    void defaults_to_enabled_with_two_hundred_workflow_labels() throws Exception {
        assertThat(read("{}").metrics()).isEqualTo(MetricsSettings.DEFAULT);
        assertThat(MetricsSettings.DEFAULT.enabled()).isTrue();
        assertThat(MetricsSettings.DEFAULT.maxWorkflowLabels()).isEqualTo(200);
        assertThat(read("metrics:").metrics()).isEqualTo(MetricsSettings.DEFAULT);
    }

    @Test
    void reads_every_field() throws Exception {
        MetricsSettings settings = read("metrics: {enabled: false, maxWorkflowLabels: 50}").metrics();

        assertThat(settings).isEqualTo(new MetricsSettings(false, 50));
    }

    @Test
    void rejects_an_unknown_key_with_a_suggestion() {
        assertThatThrownBy(() -> read("metrics: {enabeld: true}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.errors().getFirst().field()).isEqualTo("observability.metrics.enabeld");
                    assertThat(e.getMessage()).contains("did you mean 'enabled'?");
                });
    }

    @Test
    void rejects_a_value_of_the_wrong_type() {
        assertThatThrownBy(() -> read("metrics: {enabled: 'yes'}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("observability.metrics.enabled");
                    assertThat(e.getMessage()).contains("must be true or false");
                });
        assertThatThrownBy(() -> read("metrics: {maxWorkflowLabels: 2.5}"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.errors().getFirst().field())
                        .isEqualTo("observability.metrics.maxWorkflowLabels"));
        assertThatThrownBy(() -> read("metrics: [true]"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.errors().getFirst().field())
                        .isEqualTo("observability.metrics"));
    }

    @Test
    void rejects_a_workflow_label_cap_out_of_range() {
        assertThatThrownBy(() -> read("metrics: {maxWorkflowLabels: 0}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("observability.metrics.maxWorkflowLabels");
                    assertThat(e.getMessage()).contains("between 1 and 10000, got 0");
                });
        assertThatThrownBy(() -> read("metrics: {maxWorkflowLabels: 10001}"))
                .isInstanceOf(BatonException.class).hasMessageContaining("got 10001");
        assertThatThrownBy(() -> new MetricsSettings(true, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
