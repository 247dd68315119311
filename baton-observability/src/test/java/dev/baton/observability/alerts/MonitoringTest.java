package dev.baton.observability.alerts;

import dev.baton.core.engine.EngineObserver;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.RunStatus;
import dev.baton.gateway.config.SecretRef;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.ManualClock;
import dev.baton.observability.SystemSettings;
import dev.baton.observability.system.FakeHostProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonitoringTest {
    private final ManualClock clock = new ManualClock();

    private static AlertSettings diskAtZero(AlertSettings.Webhook webhook) {
        AlertSettings d = AlertSettings.DEFAULT;
        return new AlertSettings(true, d.cpu(), d.memory(), new AlertSettings.UsageRule(true, 0, Duration.ZERO),
                d.runErrorRate(), d.deploymentUnhealthy(), d.queueWait(), 10, webhook);
    }

    @Test
    void start_takes_a_first_sample_in_the_background_and_the_rules_see_it() throws Exception {
        try (Monitoring monitoring = Monitoring.open(SystemSettings.DEFAULT, diskAtZero(null), new FakeHostProbe(),
                List::of, Map.of(), clock)) {
            monitoring.start();
            monitoring.started().get(30, TimeUnit.SECONDS);

            assertThat(monitoring.monitor()).get().satisfies(m -> assertThat(m.latest()).isPresent());
            assertThat(monitoring.alerts().firing()).extracting(Alert::rule).containsExactly("disk");
        }
    }

    @Test
    void without_host_monitoring_the_host_rules_are_left_out_and_run_rules_still_work() {
        try (Monitoring monitoring = Monitoring.open(new SystemSettings(false, Duration.ofSeconds(10),
                Duration.ofHours(1)), AlertSettings.DEFAULT, new FakeHostProbe(), List::of, Map.of(), clock)) {
            monitoring.start();
            assertThat(monitoring.started()).isDone();
            for (int i = 0; i < 20; i++) {
                monitoring.observer().runFinished(Runs.run(RunStatus.FAILED));
            }
            monitoring.alerts().evaluate();

            assertThat(monitoring.monitor()).isEmpty();
            assertThat(monitoring.alerts().rules()).extracting(AlertRule::name)
                    .containsExactly("runErrorRate", "queueWait", "deploymentUnhealthy");
            assertThat(monitoring.alerts().firing()).extracting(Alert::rule).containsExactly("runErrorRate");
        }
    }

    @Test
    void without_run_rules_the_engine_is_not_observed() {
        AlertSettings d = AlertSettings.DEFAULT;
        AlertSettings noRunRules = new AlertSettings(true, d.cpu(), d.memory(), d.disk(),
                new AlertSettings.ErrorRateRule(false, 5, Duration.ofMinutes(10), 20, Duration.ZERO),
                d.deploymentUnhealthy(),
                new AlertSettings.QueueWaitRule(false, Duration.ofSeconds(30), Duration.ofMinutes(10), 20,
                        Duration.ZERO), 10, null);
        AlertSettings off = new AlertSettings(false, d.cpu(), d.memory(), d.disk(), d.runErrorRate(),
                d.deploymentUnhealthy(), d.queueWait(), 10, null);
        for (AlertSettings alerts : List.of(noRunRules, off)) {
            try (Monitoring monitoring = Monitoring.open(SystemSettings.DEFAULT, alerts, new FakeHostProbe(),
                    List::of, Map.of(), clock)) {
                assertThat(monitoring.observer()).isSameAs(EngineObserver.NONE);
            }
        }
        try (Monitoring monitoring = Monitoring.open(SystemSettings.DEFAULT, AlertSettings.DEFAULT,
                new FakeHostProbe(), List::of, Map.of(), clock)) {
            assertThat(monitoring.observer()).isNotSameAs(EngineObserver.NONE);
        }
    }

    @Test
    void the_real_probe_is_created_by_the_first_sample_off_the_opening_thread(@TempDir Path dataDir)
            throws Exception {
        try (Monitoring monitoring = Monitoring.open(SystemSettings.DEFAULT, AlertSettings.DEFAULT, dataDir,
                List::of, Map.of(), clock)) {
            assertThat(monitoring.monitor()).get().satisfies(m -> assertThat(m.latest()).isEmpty());

            monitoring.start();
            monitoring.started().get(60, TimeUnit.SECONDS);

            assertThat(monitoring.monitor()).get().satisfies(m -> assertThat(m.latest()).get()
                    .satisfies(sample -> assertThat(sample.host().memoryTotalBytes()).isPositive()));
        }
    }

    @Test
    void a_webhook_header_whose_secret_is_unset_fails_at_open() {
        AlertSettings.Webhook webhook = new AlertSettings.Webhook(URI.create("http://127.0.0.1:9/hook"),
                Map.of("Authorization", new SecretRef("env", "ALERT_TOKEN")), Duration.ofSeconds(1), 1);

        assertThatThrownBy(() -> Monitoring.open(SystemSettings.DEFAULT, diskAtZero(webhook), new FakeHostProbe(),
                List::of, Map.of(), clock))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.alerts.webhook.headers.Authorization");
    }
}
