package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.limits.LocalBuckets;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotaBucketsTest {
    private final ManualClock clock = new ManualClock();

    private static Quotas rpm(long requests) {
        return new Quotas(requests, 0, 0, 0, 0, 0, 0);
    }

    private static Quotas tpm(long tokens) {
        return new Quotas(0, tokens, 0, 0, 0, 0, 0);
    }

    /** Tenant "acme" with {@code tenant} quotas; key "k1" with {@code key} quotas. */
    private QuotaBuckets buckets(Quotas tenant, Quotas key) {
        QuotaSource source = (tenantId, keyId) -> {
            List<QuotaScope> scopes = new ArrayList<>();
            if (tenantId != null) {
                scopes.add(new QuotaScope(QuotaScope.Kind.TENANT, tenantId, tenant,
                        "security.tenants." + tenantId + ".quotas"));
            }
            if (keyId != null) {
                scopes.add(new QuotaScope(QuotaScope.Kind.KEY, keyId, key, "key." + keyId + ".quotas"));
            }
            return scopes;
        };
        return new QuotaBuckets(new LocalBuckets(clock), source);
    }

    @Test
    void a_tenant_over_its_requests_per_minute_is_refused_naming_the_limit_and_admitted_again_after_refill() {
        QuotaBuckets buckets = buckets(rpm(2), Quotas.NONE);
        buckets.admitRequest("acme", null);
        buckets.admitRequest("acme", null);

        assertThatThrownBy(() -> buckets.admitRequest("acme", null)).isInstanceOfSatisfying(BatonException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.errors().getFirst().field())
                            .isEqualTo("security.tenants.acme.quotas.requestsPerMinute");
                    assertThat(e.getMessage()).contains("tenant 'acme'").contains("2 requests per minute");
                    assertThat(e.retryAfter()).hasValueSatisfying(wait ->
                            assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30)));
                });

        clock.advance(Duration.ofSeconds(30)); // one request refilled (2 per 60 s)
        buckets.admitRequest("acme", null);
        assertThatThrownBy(() -> buckets.admitRequest("acme", null)).isInstanceOf(BatonException.class);
    }

    @Test
    void tenants_have_buckets_of_their_own() {
        QuotaBuckets buckets = buckets(rpm(1), Quotas.NONE);
        buckets.admitRequest("acme", null);
        buckets.admitRequest("globex", null);

        assertThatThrownBy(() -> buckets.admitRequest("acme", null)).isInstanceOf(BatonException.class);
    }

    @Test
    void a_key_over_its_own_limit_is_refused_and_gives_back_what_it_took_from_its_tenant() {
        QuotaBuckets buckets = buckets(rpm(3), rpm(1));
        buckets.admitRequest("acme", "k1");

        assertThatThrownBy(() -> buckets.admitRequest("acme", "k1")).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.errors().getFirst().field()).isEqualTo("key.k1.quotas.requestsPerMinute"));

        // the refused request took nothing from the tenant: 2 of its 3 are left for other callers
        buckets.admitRequest("acme", null);
        buckets.admitRequest("acme", null);
        assertThatThrownBy(() -> buckets.admitRequest("acme", null)).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.errors().getFirst().field())
                        .isEqualTo("security.tenants.acme.quotas.requestsPerMinute"));
    }

    @Test
    void tokens_per_minute_are_taken_by_estimate_and_settled_with_the_real_usage() {
        QuotaBuckets buckets = buckets(tpm(1000), Quotas.NONE);
        QuotaBuckets.Permit permit = buckets.admitTokens("acme", null, 800);
        permit.settle(100); // 700 back: 900 left

        buckets.admitTokens("acme", null, 900);
        assertThatThrownBy(() -> buckets.admitTokens("acme", null, 1)).isInstanceOfSatisfying(BatonException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.errors().getFirst().field()).isEqualTo("security.tenants.acme.quotas.tokensPerMinute");
                });

        clock.advance(Duration.ofMinutes(1));
        buckets.admitTokens("acme", null, 1000).refund();
        buckets.admitTokens("acme", null, 1000);
    }

    @Test
    void callers_without_tenant_or_quotas_are_never_refused() {
        QuotaBuckets buckets = buckets(Quotas.NONE, Quotas.NONE);
        for (int i = 0; i < 100; i++) {
            buckets.admitRequest("acme", "k1");
            buckets.admitRequest(null, null);
        }
        assertThat(buckets.admitTokens("acme", "k1", 1_000_000)).isNotNull();
    }
}
