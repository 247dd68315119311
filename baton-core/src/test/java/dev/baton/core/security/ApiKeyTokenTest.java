package dev.baton.core.security;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The API key format: bt_<8 base62>_<32 base62>, hashed with SHA-256, never shown by toString. */
class ApiKeyTokenTest {

    @Test
    void a_generated_token_has_the_documented_format_and_parses_back() {
        ApiKeyToken token = ApiKeyToken.generate(new SecureRandom());

        assertThat(token.reveal()).matches("bt_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}");
        assertThat(token.prefix()).isEqualTo(token.reveal().substring(0, 11));
        assertThat(ApiKeyToken.isPrefix(token.prefix())).isTrue();
        assertThat(ApiKeyToken.parse(token.reveal())).contains(token);
    }

    @Test
    void the_hash_is_sha256_hex_of_the_whole_token_and_matches_only_it() {
        ApiKeyToken token = ApiKeyToken.parse("bt_Ab3dE9xQ_" + "a".repeat(32)).orElseThrow();
        ApiKeyToken other = ApiKeyToken.parse("bt_Ab3dE9xQ_" + "b".repeat(32)).orElseThrow();

        // computed independently: python3 -c 'import hashlib; print(hashlib.sha256(b"bt_Ab3dE9xQ_" + b"a" * 32).hexdigest())'
        assertThat(token.hash()).isEqualTo("dd3af43e3ac421d58d0b9ebdb29afa9603155c1be642e40d4f44339f6b4a93e8");
        assertThat(token.matches(token.hash())).isTrue();
        assertThat(other.matches(token.hash())).isFalse();
        assertThat(token.matches("not hex")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void malformed_text_does_not_parse() {
        assertThat(ApiKeyToken.parse(null)).isEmpty();
        assertThat(ApiKeyToken.parse("bt_short_" + "a".repeat(32))).isEmpty();
        assertThat(ApiKeyToken.parse("bt_Ab3dE9xQ_" + "a".repeat(31))).isEmpty();
        assertThat(ApiKeyToken.parse("sk_Ab3dE9xQ_" + "a".repeat(32))).isEmpty();
        assertThat(ApiKeyToken.parse("bt_Ab3dE9xQ_" + "a".repeat(31) + "!")).isEmpty();
        assertThat(ApiKeyToken.claims("bt_anything")).isTrue();
        assertThat(ApiKeyToken.claims("eyJhbGciOi")).isFalse();
    }

    @Test
    void to_string_never_shows_the_secret() {
        ApiKeyToken token = ApiKeyToken.generate(new SecureRandom());

        assertThat(token.toString()).startsWith(token.prefix()).doesNotContain(token.reveal().substring(12));
    }

    @Test
    void tokens_from_a_seeded_generator_are_distinct() {
        SplittableRandom random = new SplittableRandom(7);
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            prefixes.add(ApiKeyToken.generate(random).prefix());
        }
        assertThat(prefixes).hasSize(1000);
    }
}
