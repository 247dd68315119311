package dev.baton.gateway.limits;

/** The bucket store contract for the in-memory default. */
class LocalBucketsTest extends BucketStoreContract {
    private LocalBuckets store;

    @Override
    protected BucketStore emptyStore() {
        store = new LocalBuckets(clock);
        return store;
    }

    @Override
    protected BucketStore sameBucketsElsewhere() {
        return store;
    }
}
