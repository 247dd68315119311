package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loopback rule: auth off is allowed on loopback only, unless explicitly overridden. */
class ListenerGuardTest {

    @Test
    void auth_off_on_loopback_is_allowed() {
        assertThatCode(() -> ListenerGuard.check(AuthSettings.DEFAULT, "127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> ListenerGuard.check(AuthSettings.DEFAULT, "::1")).doesNotThrowAnyException();
        assertThatCode(() -> ListenerGuard.check(AuthSettings.DEFAULT, "[::1]")).doesNotThrowAnyException();
        assertThatCode(() -> ListenerGuard.check(AuthSettings.DEFAULT, "localhost")).doesNotThrowAnyException();
    }

    @Test
    void auth_off_on_every_interface_is_refused_with_the_way_out() {
        assertThatThrownBy(() -> ListenerGuard.check(AuthSettings.DEFAULT, "0.0.0.0"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("0.0.0.0")
                .hasMessageContaining("security.auth.enabled")
                .hasMessageContaining("security.auth.allowUnauthenticated");
        assertThatThrownBy(() -> ListenerGuard.check(AuthSettings.DEFAULT, "10.1.2.3"))
                .isInstanceOf(BatonException.class);
    }

    @Test
    void auth_on_or_the_explicit_override_allows_any_address() {
        assertThatCode(() -> ListenerGuard.check(AuthSettings.API_KEYS, "0.0.0.0")).doesNotThrowAnyException();
        assertThatCode(() -> ListenerGuard.check(new AuthSettings(false, true), "0.0.0.0"))
                .doesNotThrowAnyException();
    }

    @Test
    void loopback_means_every_resolved_address_is_loopback() {
        assertThat(ListenerGuard.isLoopback("127.0.0.2")).isTrue();
        assertThat(ListenerGuard.isLoopback("0.0.0.0")).isFalse();
        assertThat(ListenerGuard.isLoopback("::")).isFalse();
        assertThat(ListenerGuard.isLoopback("no-such-host.invalid")).isFalse();
    }
}
