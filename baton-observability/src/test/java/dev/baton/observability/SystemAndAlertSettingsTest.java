package dev.baton.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.SecretRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SystemAndAlertSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static ObservabilityConfig read(String yaml) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            return ObservabilityConfigReader.read(tree == null ? null : tree.get("observability"));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void a_missing_section_gives_the_issue_defaults() {
        ObservabilityConfig config = read("other: 1");

        assertThat(config.system()).isEqualTo(SystemSettings.DEFAULT);
        assertThat(config.system().enabled()).isTrue();
        assertThat(config.system().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.system().history()).isEqualTo(Duration.ofHours(1));
        assertThat(config.system().capacity()).isEqualTo(361);
        AlertSettings alerts = config.alerts();
        assertThat(alerts).isEqualTo(AlertSettings.DEFAULT);
        assertThat(alerts.cpu().thresholdPercent()).isEqualTo(80);
        assertThat(alerts.memory().thresholdPercent()).isEqualTo(85);
        assertThat(alerts.disk().thresholdPercent()).isEqualTo(90);
        assertThat(alerts.runErrorRate().thresholdPercent()).isEqualTo(5);
        assertThat(alerts.queueWait().threshold()).isEqualTo(Duration.ofSeconds(30));
        assertThat(alerts.deploymentUnhealthy().enabled()).isTrue();
        assertThat(alerts.webhook()).isNull();
    }

    @Test
    void reads_every_setting() {
        ObservabilityConfig config = read("""
                observability:
                  system: {enabled: false, interval: 5s, history: 2h}
                  alerts:
                    enabled: true
                    keepResolved: 50
                    rules:
                      cpu: {enabled: false, threshold: 95, for: 10m}
                      memory: {threshold: 70.5}
                      disk: {for: 0s}
                      runErrorRate: {threshold: 10, window: 30m, minRuns: 5, for: 1m}
                      deploymentUnhealthy: {enabled: false, for: 3m}
                      queueWait: {threshold: 2m, window: 20m, minRuns: 3, for: 30s}
                    webhook:
                      url: https://hooks.example.com/baton
                      headers: {Authorization: env:HOOK_TOKEN, X-Key: file:/run/secrets/hook}
                      timeout: 2s
                      maxAttempts: 6
                """);

        assertThat(config.system()).isEqualTo(new SystemSettings(false, Duration.ofSeconds(5), Duration.ofHours(2)));
        AlertSettings alerts = config.alerts();
        assertThat(alerts.keepResolved()).isEqualTo(50);
        assertThat(alerts.cpu()).isEqualTo(new AlertSettings.UsageRule(false, 95, Duration.ofMinutes(10)));
        assertThat(alerts.memory()).isEqualTo(new AlertSettings.UsageRule(true, 70.5, Duration.ofMinutes(5)));
        assertThat(alerts.disk()).isEqualTo(new AlertSettings.UsageRule(true, 90, Duration.ZERO));
        assertThat(alerts.runErrorRate()).isEqualTo(new AlertSettings.ErrorRateRule(true, 10,
                Duration.ofMinutes(30), 5, Duration.ofMinutes(1)));
        assertThat(alerts.deploymentUnhealthy()).isEqualTo(new AlertSettings.DeploymentRule(false,
                Duration.ofMinutes(3)));
        assertThat(alerts.queueWait()).isEqualTo(new AlertSettings.QueueWaitRule(true, Duration.ofMinutes(2),
                Duration.ofMinutes(20), 3, Duration.ofSeconds(30)));
        assertThat(alerts.runWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(alerts.webhook()).isEqualTo(new AlertSettings.Webhook(URI.create("https://hooks.example.com/baton"),
                Map.of("Authorization", new SecretRef("env", "HOOK_TOKEN"),
                        "X-Key", new SecretRef("file", "/run/secrets/hook")), Duration.ofSeconds(2), 6));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "system: {interval: 500ms}|observability.system.interval|between 1s and 1h",
            "system: {interval: 2h}|observability.system.interval|between 1s and 1h",
            "system: {interval: 10s, history: 5s}|observability.system.history|between the interval (10s) and 7d",
            "system: {history: 8d}|observability.system.history|7d",
            "system: {interval: 1s, history: 2d}|observability.system.history|at most 100000 samples",
            "system: {interval: 10}|observability.system.interval|with its unit",
            "system: {enabeld: true}|observability.system.enabeld|did you mean 'enabled'",
            "system: {enabled: yes please}|observability.system.enabled|must be true or false",
            "alerts: {rules: {cpu: {threshold: 120}}}|observability.alerts.rules.cpu.threshold|between 0.0 and 100.0",
            "alerts: {rules: {cpu: {threshold: '80%'}}}|observability.alerts.rules.cpu.threshold|must be a number",
            "alerts: {rules: {memory: {for: 2d}}}|observability.alerts.rules.memory.for|at most 1d",
            "alerts: {rules: {cpus: {}}}|observability.alerts.rules.cpus|did you mean 'cpu'",
            "alerts: {rules: {runErrorRate: {minRuns: 0}}}|observability.alerts.rules.runErrorRate.minRuns|between 1 and 1000000",
            "alerts: {rules: {runErrorRate: {window: 30s}}}|observability.alerts.rules.runErrorRate.window|between 1m and 1d",
            "alerts: {rules: {queueWait: {threshold: 0s}}}|observability.alerts.rules.queueWait.threshold|more than 0s",
            "alerts: {rules: {deploymentUnhealthy: {threshold: 1}}}|observability.alerts.rules.deploymentUnhealthy.threshold|unknown setting",
            "alerts: {keepResolved: 0}|observability.alerts.keepResolved|between 1 and 10000",
            "alerts: {webhook: {timeout: 5s}}|observability.alerts.webhook.url|is required",
            "alerts: {webhook: {url: 'ftp://example.com/x'}}|observability.alerts.webhook.url|absolute http or https URL",
            "alerts: {webhook: {url: 'not a url'}}|observability.alerts.webhook.url|not a valid URL",
            "alerts: {webhook: {url: 'https://h.example/x', headers: {Authorization: Bearer abc}}}|observability.alerts.webhook.headers.Authorization|not a literal value",
            "alerts: {webhook: {url: 'https://h.example/x', headers: {'Bad Header': env:X}}}|observability.alerts.webhook.headers.Bad Header|not a valid HTTP header name",
            "alerts: {webhook: {url: 'https://h.example/x', headers: {Host: env:X}}}|observability.alerts.webhook.headers.Host|HTTP client sets itself",
            "alerts: {webhook: {url: 'https://h.example/x', headers: {connection: env:X}}}|observability.alerts.webhook.headers.connection|restricted",
            "alerts: {webhook: {url: 'https://h.example/x', timeout: 10ms}}|observability.alerts.webhook.timeout|between 100ms and 5m",
            "alerts: {webhook: {url: 'https://h.example/x', maxAttempts: 11}}|observability.alerts.webhook.maxAttempts|between 1 and 10",
    })
    void rejects_a_bad_value_naming_its_path(String yaml, String path, String reason) {
        assertThatThrownBy(() -> read("observability:\n  " + yaml))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code().code()).isEqualTo("invalid-input");
                    assertThat(e.errors()).singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo(path);
                        assertThat(error.message()).contains(reason);
                    });
                });
    }
}
