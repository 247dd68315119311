package dev.baton.core.run;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceParentTest {
    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parses_a_version_00_traceparent_into_its_parts_and_back() {
        TraceParent parsed = TraceParent.parse(VALID).orElseThrow();

        assertThat(parsed.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parsed.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(parsed.flags()).isEqualTo("01");
        assertThat(parsed.sampled()).isTrue();
        assertThat(parsed.toString()).isEqualTo(VALID);
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").orElseThrow()
                .sampled()).isFalse();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "garbage",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case hex
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // a version this parser does not know
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // short flags
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"})
    void rejects_what_is_not_a_version_00_traceparent(String header) {
        assertThat(TraceParent.isValid(header)).isFalse();
        assertThat(TraceParent.parse(header)).isEmpty();
    }

    @Test
    void require_names_the_traceparent_field_and_lets_null_through() {
        assertThat(TraceParent.require(null)).isNull();
        assertThat(TraceParent.require(VALID)).isEqualTo(VALID);
        assertThatThrownBy(() -> TraceParent.require("00-zz"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith("traceparent:").contains("00-zz");
                });
    }

    @Test
    void a_run_keeps_its_trace_parent_through_status_changes_and_refuses_an_invalid_one() {
        Run run = new Run("r1", "default", "wf", 1, RunStatus.QUEUED, 0,
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), null, null, null, null,
                null, Instant.EPOCH, null, null, VALID);

        assertThat(run.withStatus(RunStatus.RUNNING).traceParent()).isEqualTo(VALID);
        assertThat(run.started(Instant.EPOCH).traceParent()).isEqualTo(VALID);
        assertThat(run.finished(RunStatus.SUCCEEDED, null, null, Instant.EPOCH, Instant.EPOCH).traceParent())
                .isEqualTo(VALID);
        assertThatThrownBy(() -> new Run("r1", "default", "wf", 1, RunStatus.QUEUED, 0, run.inputs(), null, null,
                null, null, null, Instant.EPOCH, null, null, "nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traceParent");
    }
}
