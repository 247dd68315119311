package dev.baton.steps.http;

import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HttpStatusMappingTest {

    @Test
    void default_accepts_exactly_2xx() {
        assertThat(HttpStatusMapping.errorFor(200, Set.of())).isEmpty();
        assertThat(HttpStatusMapping.errorFor(299, Set.of())).isEmpty();
        assertThat(HttpStatusMapping.errorFor(199, Set.of())).contains(ErrorCode.UPSTREAM_REJECTED);
        assertThat(HttpStatusMapping.errorFor(302, Set.of())).contains(ErrorCode.UPSTREAM_REJECTED);
    }

    @Test
    void listed_statuses_replace_the_default() {
        assertThat(HttpStatusMapping.errorFor(503, Set.of(503))).isEmpty();
        assertThat(HttpStatusMapping.errorFor(200, Set.of(201))).contains(ErrorCode.UPSTREAM_REJECTED);
        assertThat(HttpStatusMapping.errorFor(500, Set.of(201))).contains(ErrorCode.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void only_408_429_and_5xx_are_retriable() {
        for (int status = 100; status <= 599; status++) {
            boolean expected = status == 408 || status == 429 || status >= 500;
            assertThat(HttpStatusMapping.isRetriable(status)).as("status %d", status).isEqualTo(expected);
        }
    }
}
