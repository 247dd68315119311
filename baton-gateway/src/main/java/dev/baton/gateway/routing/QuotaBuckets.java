package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rate quotas of tenants and stored API keys as token buckets from the gateway's {@link BucketStore} (per node,
 * or shared on PostgreSQL so a limit holds for the cluster): {@code requestsPerMinute} on every guarded API request
 * ({@link #admitRequest}), {@code tokensPerMinute} on every gateway call ({@link #admitTokens}, settled with the
 * real usage as the per-key limits of {@link CallerLimits} are).
 *
 * <p>Buckets are named {@code <scope key>/rpm/<limit>} and {@code <scope key>/tpm/<limit>} ({@code tenant/acme/rpm/600},
 * {@code apikey/k_1/tpm/50000}): a changed limit starts a fresh, full bucket. A refusal is {@code QUOTA_EXCEEDED}
 * (HTTP 429) with {@code retryAfter} = the bucket's refill time and {@code errors[0].field} naming the limit's
 * setting; a caller over two limits hears about the first (tenant before key). Admission is all or nothing: a
 * refused request gives back what it took from the other buckets.
 *
 * <p>Thread-safe.
 */
public final class QuotaBuckets {
    private final BucketStore buckets;
    private final QuotaSource source;

    /** Buckets of {@code source}'s quotas from {@code buckets}. */
    public QuotaBuckets(BucketStore buckets, QuotaSource source) {
        this.buckets = Objects.requireNonNull(buckets, "buckets");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The quotas enforced. */
    public QuotaSource source() {
        return source;
    }

    /**
     * Admits one API request of {@code tenantId} made with stored key {@code keyId} ({@code null}: none) under
     * their {@code requestsPerMinute}.
     *
     * @throws BatonException {@code QUOTA_EXCEEDED} with {@code retryAfter} naming the limit;
     *                        {@code STORE_UNAVAILABLE} when a shared bucket cannot be reached
     */
    public void admitRequest(String tenantId, String keyId) {
        List<Taken> taken = new ArrayList<>(2);
        try {
            for (QuotaScope scope : source.scopes(tenantId, keyId)) {
                long limit = scope.quotas().requestsPerMinute();
                take(taken, scope, "rpm", "requestsPerMinute", limit, 1, " requests per minute");
            }
        } catch (RuntimeException e) {
            taken.forEach(Taken::giveBack);
            throw e;
        }
    }

    /**
     * Takes {@code estimatedTokens} from the {@code tokensPerMinute} buckets of the call's tenant and key.
     *
     * @return what was taken, to settle with the real usage or refund
     * @throws BatonException {@code QUOTA_EXCEEDED} naming the limit (nothing stays taken)
     */
    Permit admitTokens(String tenantId, String keyId, long estimatedTokens) {
        List<Taken> taken = new ArrayList<>(2);
        try {
            for (QuotaScope scope : source.scopes(tenantId, keyId)) {
                long limit = scope.quotas().tokensPerMinute();
                take(taken, scope, "tpm", "tokensPerMinute", limit, estimatedTokens, " tokens per minute");
            }
        } catch (RuntimeException e) {
            taken.forEach(Taken::giveBack);
            throw e;
        }
        return new Permit(List.copyOf(taken));
    }

    private void take(List<Taken> taken, QuotaScope scope, String kind, String limitName, long limit, long amount,
                      String unit) {
        if (limit <= 0) {
            return;
        }
        TokenBucket bucket = TokenBucket.perMinute(scope.key() + "/" + kind + "/" + limit, limit, buckets);
        TokenBucket.Take take = bucket.tryTake(amount);
        if (!take.granted()) {
            String field = scope.field(limitName);
            String message = scope.label() + " exceeded its quota of " + limit + unit + " (" + field + "); retry in "
                    + CallerLimits.seconds(take.retryIn());
            throw new BatonException(ErrorCode.QUOTA_EXCEEDED, message, true, List.of(new FieldError(field, message)),
                    null, take.retryIn());
        }
        taken.add(new Taken(bucket, take.tokens()));
    }

    private record Taken(TokenBucket bucket, long tokens) {
        void giveBack() {
            bucket.giveBack(tokens);
        }
    }

    /** What a gateway call took from its quota token buckets. */
    static final class Permit {
        private final List<Taken> taken;

        private Permit(List<Taken> taken) {
            this.taken = taken;
        }

        /** The call used {@code actualTokens}: refunds or charges the difference on every bucket. */
        void settle(long actualTokens) {
            taken.forEach(t -> t.bucket().settle(t.tokens(), actualTokens));
        }

        /** The call failed without usage: the tokens go back. */
        void refund() {
            taken.forEach(Taken::giveBack);
        }
    }
}
