package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.SourceLocation;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceLocation HERE = new SourceLocation("wf.yaml", 3, 7);
    private static final Bindings BINDINGS = new Bindings(json("{\"id\": 7}"), Map.of(), null, Map.of());

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ValueTemplate compile(String template) {
        return Templates.compile(json(template), "steps.s.with", HERE);
    }

    @Test
    void secret_references_render_as_placeholders_unless_values_are_given() {
        ValueTemplate template = compile("{\"headers\": {\"Authorization\": \"Bearer {{ secrets.API_TOKEN }}\","
                + " \"X-Key\": \"{{ secrets['my-key'] }}\", \"X-Id\": \"{{ inputs.id }}\"}}");

        assertThat(template.isConstant()).isFalse();
        assertThat(template.secretReferences()).containsExactly(
                new SecretReference("API_TOKEN", "steps.s.with.headers.Authorization", "headers.Authorization"),
                new SecretReference("my-key", "steps.s.with.headers.X-Key", "headers.X-Key"));
        assertThat(template.render(BINDINGS).toString()).isEqualTo("{\"headers\":{\"Authorization\":"
                + "\"Bearer [secret:API_TOKEN]\",\"X-Key\":\"[secret:my-key]\",\"X-Id\":7}}");
        assertThat(template.render(BINDINGS, reference -> "v-" + reference.name()).toString()).isEqualTo(
                "{\"headers\":{\"Authorization\":\"Bearer v-API_TOKEN\",\"X-Key\":\"v-my-key\",\"X-Id\":7}}");
    }

    @Test
    void a_secret_alone_in_its_string_renders_as_text() {
        ValueTemplate template = compile("{\"body\": \"{{ secrets.N }}\"}");

        assertThat(template.render(BINDINGS, reference -> "42").get("body").isTextual()).isTrue();
    }

    @Test
    void secrets_inside_a_larger_expression_do_not_compile() {
        for (String expression : new String[] {"secrets.TOKEN + 'x'", "base64.encode(bytes(secrets.TOKEN))",
                "has(secrets.TOKEN)", "secrets"}) {
            assertThatThrownBy(() -> compile("{\"value\": \"{{ " + expression + " }}\"}"))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
                        assertThat(e.errors().getFirst().field()).isEqualTo("steps.s.with.value");
                        assertThat(e.errors().getFirst().message()).contains("'secrets' can only be a placeholder of its own");
                    });
        }
    }

    @Test
    void an_invalid_secret_name_is_named() {
        assertThatThrownBy(() -> compile("{\"value\": \"{{ secrets['../etc/passwd'] }}\"}"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.errors().getFirst().message())
                        .contains("'../etc/passwd' is not a secret name"));
    }
}
