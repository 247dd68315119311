package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditCursorTest {
    @Test
    void a_cursor_round_trips_through_its_opaque_form() {
        AuditCursor cursor = new AuditCursor(9_007_199_254_740_993L);

        assertThat(AuditCursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(cursor.encode()).doesNotContain("audit:").matches("[A-Za-z0-9_-]+");
    }

    @Test
    void text_that_is_not_an_audit_cursor_is_refused_naming_the_cursor() {
        String runCursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("1700000000.0:run-1".getBytes(StandardCharsets.UTF_8));
        String negative = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("audit:-4".getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[] {"", "%%%", runCursor, negative}) {
            assertThatThrownBy(() -> AuditCursor.decode(bad)).as(bad)
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                        assertThat(e.errors().getFirst().field()).isEqualTo("cursor");
                    });
        }
    }
}
