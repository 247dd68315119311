package dev.baton.core.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientTextTest {
    @Test
    void control_characters_and_line_separators_become_the_replacement_character() {
        assertThat(ClientText.clean("a\u0000b\r\nc\td\u007fe\u0085f\u2028g", 100))
                .isEqualTo("a\uFFFDb\uFFFD\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg");
    }

    @Test
    void clean_text_within_the_cap_is_returned_as_is_and_null_stays_null() {
        String value = "Mozilla/5.0 (X11; Linux) — ünïcödé 😀";
        assertThat(ClientText.clean(value, 100)).isSameAs(value);
        assertThat(ClientText.clean(null, 5)).isNull();
    }

    @Test
    void long_text_is_cut_at_the_cap_never_inside_a_surrogate_pair() {
        assertThat(ClientText.clean("abcdef", 4)).isEqualTo("abcd");
        assertThat(ClientText.clean("abc😀", 4)).isEqualTo("abc");
        assertThat(ClientText.clean("\u0000bcdef", 3)).isEqualTo("\uFFFDbc");
        assertThatThrownBy(() -> ClientText.clean("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_audit_entry_cleans_and_caps_what_clients_send() {
        AuditEntry entry = new AuditEntry(0, "acme", java.time.Instant.EPOCH, "jwt:" + "s".repeat(500) + "\u0000",
                "auth.failed", null, "denied", "127.0.0.1", "ua\r\n".repeat(200), null,
                java.util.Map.of("path", "/\u0000"));

        assertThat(entry.actor()).hasSize(AuditEntry.MAX_ACTOR).doesNotContain("\u0000");
        assertThat(entry.userAgent()).hasSize(AuditEntry.MAX_USER_AGENT).doesNotContain("\r", "\n");
        assertThat(entry.details()).containsEntry("path", "/\uFFFD");
    }
}
