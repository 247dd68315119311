package dev.baton.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.InMemoryApiKeyStore;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.quota.QuotaScope;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotaConfigReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static QuotaSettings read(String yaml) throws IOException {
        return QuotaConfigReader.read(YAML.readTree(yaml), Map.of());
    }

    @Test
    void nothing_configured_limits_nothing() {
        QuotaSettings settings = QuotaConfigReader.read(MissingNode.getInstance(), Map.of());

        assertThat(settings).isEqualTo(QuotaSettings.DEFAULT);
        assertThat(settings.of("acme")).isEqualTo(Quotas.NONE);
        assertThat(new TenantQuotas(settings, null, Ticker.systemTicker()).scopes("acme", "k1")).isEmpty();
    }

    @Test
    void a_tenant_overrides_only_the_values_it_sets() throws IOException {
        QuotaSettings settings = read("""
                defaultQuotas: {requestsPerMinute: 600, maxConcurrentRuns: 20, dailyCostUsd: 50.5}
                tenants:
                  acme: {quotas: {requestsPerMinute: 1200, monthlyTokens: 9000}}
                """);

        assertThat(settings.of("acme")).isEqualTo(new Quotas(1200, 0, 20, 0, 50.5, 9000, 0));
        assertThat(settings.of("globex")).isEqualTo(new Quotas(600, 0, 20, 0, 50.5, 0, 0));
        assertThat(settings.field("acme")).isEqualTo("security.tenants.acme.quotas");
        assertThat(settings.field("globex")).isEqualTo("security.defaultQuotas");
        assertThat(new TenantQuotas(settings, null, Ticker.systemTicker()).scopes("acme", null)).singleElement()
                .satisfies(scope -> {
                    assertThat(scope.key()).isEqualTo("tenant/acme");
                    assertThat(scope.field("requestsPerMinute"))
                            .isEqualTo("security.tenants.acme.quotas.requestsPerMinute");
                });
    }

    @Test
    void unknown_keys_and_bad_values_fail_naming_the_setting() {
        assertThatThrownBy(() -> read("defaultQuotas: {requestPerMinute: 5}"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage())
                        .contains("security.defaultQuotas.requestPerMinute").contains("did you mean 'requestsPerMinute'"));
        assertThatThrownBy(() -> read("tenants: {acme: {quotas: {dailyTokens: -1}}}"))
                .hasMessageContaining("security.tenants.acme.quotas.dailyTokens").hasMessageContaining("between 0");
        assertThatThrownBy(() -> read("tenants: {acme: {quota: {}}}"))
                .hasMessageContaining("security.tenants.acme.quota").hasMessageContaining("did you mean 'quotas'");
        assertThatThrownBy(() -> read("tenants: {'bad tenant': {quotas: {}}}"))
                .hasMessageContaining("tenant ids are");
        assertThatThrownBy(() -> read("defaultQuotas: {monthlyCostUsd: lots}"))
                .hasMessageContaining("security.defaultQuotas.monthlyCostUsd").hasMessageContaining("number");
    }

    @Test
    void a_stored_keys_quotas_apply_besides_its_tenants() {
        var keys = new InMemoryApiKeyStore();
        var issued = new ApiKeyIssuer(keys).issue("acme", "ci", java.util.Set.of(dev.baton.core.security.Role.VIEWER),
                null, new Quotas(5, 0, 0, 0, 0, 0, 0), "test");
        String keyId = keys.list("acme", null, 10).items().getFirst().id();
        var quotas = new TenantQuotas(new QuotaSettings(new Quotas(100, 0, 0, 0, 0, 0, 0), Map.of()), keys,
                Ticker.systemTicker());

        assertThat(quotas.scopes("acme", keyId)).extracting(QuotaScope::key, QuotaScope::fieldPrefix).containsExactly(
                org.assertj.core.groups.Tuple.tuple("tenant/acme", "security.defaultQuotas"),
                org.assertj.core.groups.Tuple.tuple("apikey/" + keyId, "key." + keyId + ".quotas"));
        assertThat(quotas.scopes("globex", keyId)).extracting(QuotaScope::key).containsExactly("tenant/globex");
        assertThat(issued).isNotNull();
    }
}
