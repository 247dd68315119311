package dev.baton.server.api;

import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemsTest {

    @Test
    void every_error_kind_maps_to_its_documented_status() {
        assertThat(Problems.status(ErrorCode.INVALID_WORKFLOW.kind())).isEqualTo(400);
        assertThat(Problems.status(ErrorCode.INVALID_INPUT.kind())).isEqualTo(400);
        assertThat(Problems.status(ErrorCode.NOT_FOUND.kind())).isEqualTo(404);
        assertThat(Problems.status(ErrorCode.CONFLICT.kind())).isEqualTo(409);
        assertThat(Problems.status(ErrorCode.PAYLOAD_TOO_LARGE.kind())).isEqualTo(413);
        assertThat(Problems.status(ErrorCode.RATE_LIMITED.kind())).isEqualTo(429);
        assertThat(Problems.status(ErrorCode.UPSTREAM_UNAVAILABLE.kind())).isEqualTo(502);
        assertThat(Problems.status(ErrorCode.NOT_READY.kind())).isEqualTo(503);
        assertThat(Problems.status(ErrorCode.TIMEOUT.kind())).isEqualTo(504);
        assertThat(Problems.status(ErrorCode.INTERNAL.kind())).isEqualTo(500);
    }

    @Test
    void only_retry_later_kinds_carry_retry_after() {
        assertThat(Problems.retryAfter(ErrorCode.Kind.RATE_LIMITED)).isEqualTo("1");
        assertThat(Problems.retryAfter(ErrorCode.Kind.UNAVAILABLE)).isEqualTo("5");
        for (ErrorCode.Kind kind : ErrorCode.Kind.values()) {
            if (kind != ErrorCode.Kind.RATE_LIMITED && kind != ErrorCode.Kind.UNAVAILABLE) {
                assertThat(Problems.retryAfter(kind)).as(kind.name()).isNull();
            }
        }
    }
}
