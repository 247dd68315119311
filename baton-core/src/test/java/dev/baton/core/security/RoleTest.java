package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The permission matrix as docs/security.md states it (the route-level check is RouteMatrixTest, over HTTP). */
class RoleTest {
    private static final Set<Permission> READS = EnumSet.of(Permission.WORKFLOW_READ, Permission.RUN_READ,
            Permission.GATEWAY_READ, Permission.MODEL_READ, Permission.SYSTEM_READ);

    @Test
    void each_role_grants_the_reads_and_exactly_its_own_operations() {
        assertThat(Role.ADMIN.permissions()).containsExactlyInAnyOrder(Permission.values());
        assertThat(Role.OPERATOR.permissions()).containsExactlyInAnyOrderElementsOf(
                with(Permission.RUN_OPERATE, Permission.GATEWAY_OPERATE));
        assertThat(Role.DEVELOPER.permissions()).containsExactlyInAnyOrderElementsOf(
                with(Permission.WORKFLOW_WRITE, Permission.RUN_START, Permission.MODEL_CALL));
        assertThat(Role.VIEWER.permissions()).containsExactlyInAnyOrderElementsOf(READS);
    }

    @Test
    void only_keys_and_the_audit_log_are_for_admins_alone() {
        for (Role role : EnumSet.complementOf(EnumSet.of(Role.ADMIN))) {
            assertThat(role.grants(Permission.KEY_MANAGE)).as(role.id()).isFalse();
            assertThat(role.grants(Permission.AUDIT_READ)).as(role.id()).isFalse();
        }
    }

    @Test
    void a_principal_can_what_any_of_its_roles_grants() {
        Principal both = new Principal("acme", "key:k1", "k1", Set.of(Role.VIEWER, Role.OPERATOR),
                Principal.AuthMethod.API_KEY);
        Principal none = new Principal("acme", "key:k2", "k2", Set.of(), Principal.AuthMethod.API_KEY);

        assertThat(both.can(Permission.RUN_OPERATE)).isTrue();
        assertThat(both.can(Permission.RUN_START)).isFalse();
        assertThat(none.can(Permission.WORKFLOW_READ)).isFalse();
    }

    @Test
    void only_deployment_switches_cache_clearing_and_system_reads_are_installation_wide() {
        Set<Permission> wide = EnumSet.noneOf(Permission.class);
        for (Permission permission : Permission.values()) {
            if (permission.isInstallationWide()) {
                wide.add(permission);
            }
        }

        assertThat(wide).containsExactlyInAnyOrder(Permission.GATEWAY_OPERATE, Permission.SYSTEM_READ);
    }

    @Test
    void role_names_parse_case_insensitively_and_an_unknown_one_names_the_field() {
        assertThat(Role.parse("roles[0]", " Operator ")).isEqualTo(Role.OPERATOR);
        assertThatThrownBy(() -> Role.parse("roles[1]", "root"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("root").hasMessageContaining("admin, operator, developer or viewer");
    }

    private static Set<Permission> with(Permission... extra) {
        Set<Permission> set = EnumSet.copyOf(READS);
        set.addAll(Set.of(extra));
        return set;
    }
}
