package dev.baton.observability.metrics;

import dev.baton.observability.MetricsSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeMetricsTest {

    @Test
    void exports_jvm_and_process_metrics_beside_the_engine_gauges() {
        try (NodeMetrics metrics = NodeMetrics.start(MetricsSettings.DEFAULT)) {
            Scraped s = Scraped.parse(metrics.scrape(null).body());
            assertThat(s.samples().keySet()).anyMatch(series -> series.startsWith("jvm_memory_used_bytes{")
                    && series.contains("area=\"heap\""));
            for (String name : new String[]{"jvm_memory_max_bytes", "jvm_gc_overhead", "jvm_threads_live_threads",
                    "jvm_classes_loaded_classes", "jvm_info", "system_cpu_count", "process_cpu_usage",
                    "process_uptime_seconds", "process_files_open_files", "baton_runs_in_flight",
                    "baton_run_queue_wait_seconds_count"}) {
                assertThat(s.has(name)).as(name).isTrue();
            }
        }
    }

    @Test
    void renders_openmetrics_only_when_the_accept_header_asks_for_it() {
        try (NodeMetrics metrics = NodeMetrics.start(MetricsSettings.DEFAULT)) {
            NodeMetrics.Scrape text = metrics.scrape("text/plain;version=0.0.4;q=0.9, */*;q=0.1");
            NodeMetrics.Scrape open = metrics.scrape("application/openmetrics-text; version=1.0.0");

            assertThat(text.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(text.body()).contains("# TYPE baton_runs_in_flight gauge").doesNotContain("# EOF");
            assertThat(open.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
            assertThat(open.body().strip()).endsWith("# EOF");
        }
    }

    @Test
    void each_node_has_a_registry_of_its_own() {
        try (NodeMetrics a = NodeMetrics.start(MetricsSettings.DEFAULT);
             NodeMetrics b = NodeMetrics.start(MetricsSettings.DEFAULT)) {
            a.engine().bind(() -> 4, () -> 0, () -> 0);

            assertThat(Scraped.parse(a.scrape(null).body()).value("baton_runs_in_flight")).isEqualTo(4.0);
            assertThat(Scraped.parse(b.scrape(null).body()).value("baton_runs_in_flight")).isEqualTo(0.0);
        }
    }

    @Test
    void cannot_start_when_disabled() {
        assertThatThrownBy(() -> NodeMetrics.start(new MetricsSettings(false, 200)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disabled");
    }
}
