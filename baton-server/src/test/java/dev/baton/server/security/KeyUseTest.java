package dev.baton.server.security;

import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyToken;
import dev.baton.core.security.InMemoryApiKeyStore;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The last use of a key is written at most once a minute, not on every request. */
class KeyUseTest {
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    /** A store that counts the writes of last use. */
    private static final class CountingStore extends ForwardingKeys {
        final List<Instant> touches = new ArrayList<>();

        CountingStore() {
            super(new InMemoryApiKeyStore());
        }

        @Override
        public void touch(String id, Instant at) {
            touches.add(at);
            super.touch(id, at);
        }
    }

    private static ApiKey key(Instant lastUsedAt) {
        ApiKeyToken token = ApiKeyToken.generate(new SplittableRandom(1));
        return new ApiKey("key_1", "acme", "k", token.prefix(), token.hash(), Set.of(Role.VIEWER), Quotas.NONE, T0,
                "test", null, lastUsedAt, null);
    }

    @Test
    void uses_within_a_minute_are_written_once() {
        CountingStore store = new CountingStore();
        store.create(key(null));
        KeyUse uses = new KeyUse(store, Runnable::run);

        uses.used(key(null), T0);
        uses.used(key(null), T0.plusSeconds(10));
        uses.used(key(null), T0.plusSeconds(59));
        uses.used(key(null), T0.plus(Duration.ofMinutes(1)));

        assertThat(store.touches).containsExactly(T0, T0.plus(Duration.ofMinutes(1)));
        assertThat(store.find("acme", "key_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    }

    @Test
    void a_recent_stored_use_needs_no_write() {
        CountingStore store = new CountingStore();
        KeyUse uses = new KeyUse(store, Runnable::run);

        uses.used(key(T0), T0.plusSeconds(30));

        assertThat(store.touches).isEmpty();
    }

    @Test
    void a_failed_write_is_tried_again_on_the_next_use() {
        List<Instant> attempts = new ArrayList<>();
        ForwardingKeys failing = new ForwardingKeys(new InMemoryApiKeyStore()) {
            @Override
            public void touch(String id, Instant at) {
                attempts.add(at);
                if (attempts.size() == 1) {
                    throw new IllegalStateException("store down");
                }
            }
        };
        KeyUse uses = new KeyUse(failing, Runnable::run);

        uses.used(key(null), T0);
        uses.used(key(null), T0.plusSeconds(1));

        assertThat(attempts).containsExactly(T0, T0.plusSeconds(1));
    }
}
