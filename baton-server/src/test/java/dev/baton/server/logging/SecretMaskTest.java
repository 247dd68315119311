package dev.baton.server.logging;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskTest {

    @Test
    void bearer_tokens_and_sk_keys_are_masked_wherever_they_appear() {
        assertThat(SecretMask.mask("sent Authorization: Bearer abc.DEF-123_xyz to the upstream"))
                .isEqualTo("sent Authorization: Bearer *** to the upstream");
        assertThat(SecretMask.mask("key sk-proj-AbCdEf0123456789 rejected")).isEqualTo("key *** rejected");
        assertThat(SecretMask.mask("anthropic said sk-ant-api03-abcdefghij")).isEqualTo("anthropic said ***");
        assertThat(SecretMask.mask("Authorization: Basic YWRhOmh1bnRlcjI=")).isEqualTo("Authorization: Basic ***");
        assertThat(SecretMask.mask("using basic settings")).isEqualTo("using basic settings");
    }

    @Test
    void values_of_credential_names_are_masked_but_secret_references_are_kept() {
        assertThat(SecretMask.mask("x-api-key: abcdef123456")).isEqualTo("x-api-key: ***");
        assertThat(SecretMask.mask("{\"api_key\": \"abcdef123456\", \"model\": \"m\"}"))
                .isEqualTo("{\"api_key\": \"***\", \"model\": \"m\"}");
        assertThat(SecretMask.mask("password=hunter22&user=ada")).isEqualTo("password=***&user=ada");
        assertThat(SecretMask.mask("apiKey: env:OPENAI_API_KEY is not set"))
                .isEqualTo("apiKey: env:OPENAI_API_KEY is not set");
    }

    @Test
    void passwords_in_urls_are_masked_and_the_user_kept() {
        assertThat(SecretMask.mask("cannot connect to postgresql://baton:s3cret@db:5432/baton"))
                .isEqualTo("cannot connect to postgresql://baton:***@db:5432/baton");
    }

    @Test
    void a_remembered_secret_is_masked_in_any_shape_and_short_ones_are_ignored() {
        String secret = "plain" + UUID.randomUUID();
        assertThat(SecretMask.mask("upstream echoed " + secret + "!")).contains(secret);

        SecretMask.remember(secret);
        SecretMask.remember("short");
        SecretMask.remember(null);

        assertThat(SecretMask.mask("upstream echoed " + secret + "!")).isEqualTo("upstream echoed ***!");
        assertThat(SecretMask.mask("a short word")).isEqualTo("a short word");
    }

    @Test
    void text_without_secrets_is_returned_as_it_is() {
        String text = "run 42 finished in 120 ms; tokens: 17; Bearer";
        assertThat(SecretMask.mask(text)).isSameAs(text);
        assertThat(SecretMask.mask("")).isEmpty();
        assertThat(SecretMask.mask(null)).isNull();
    }
}
