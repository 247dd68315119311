package dev.baton.core.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scrubs_values_in_strings_and_member_names_and_leaves_the_input_untouched() throws Exception {
        JsonNode value = JSON.readTree("{\"echo\": \"Bearer s3cr3t-token\", \"s3cr3t-token\": 1,"
                + " \"list\": [\"a\", \"x s3cr3t-token y\"], \"n\": 5}");
        String before = value.toString();

        JsonNode scrubbed = Redaction.of(List.of("s3cr3t-token")).scrub(value);

        assertThat(scrubbed.toString()).isEqualTo("{\"echo\":\"Bearer [REDACTED]\",\"[REDACTED]\":1,"
                + "\"list\":[\"a\",\"x [REDACTED] y\"],\"n\":5}");
        assertThat(value.toString()).isEqualTo(before);
    }

    @Test
    void scrubs_json_escaped_and_url_encoded_forms_and_longer_values_first() {
        Redaction redaction = Redaction.of(Arrays.asList("p\"w d/é", "abc", "abcdef", null, ""));

        assertThat(redaction.scrub("body {\"k\":\"p\\\"w d/é\"} q=p%22w+d%2F%C3%A9 r=p%22w%20d%2F%C3%A9"))
                .isEqualTo("body {\"k\":\"[REDACTED]\"} q=[REDACTED] r=[REDACTED]");
        assertThat(redaction.scrub("abcdef abc")).isEqualTo("[REDACTED] [REDACTED]");
    }

    @Test
    void an_empty_redaction_returns_the_same_instances() throws Exception {
        JsonNode value = JSON.readTree("{\"a\": \"b\"}");

        assertThat(Redaction.NONE.scrub(value)).isSameAs(value);
        assertThat(Redaction.of(List.of("zzz")).scrub(value)).isSameAs(value);
        assertThat(Redaction.of(List.of()).isEmpty()).isTrue();
    }
}
