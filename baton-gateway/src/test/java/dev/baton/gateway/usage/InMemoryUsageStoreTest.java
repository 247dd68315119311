package dev.baton.gateway.usage;

/** The usage store contract on the in-memory store. */
class InMemoryUsageStoreTest extends UsageStoreContract {
    @Override
    protected UsageStore emptyStore() {
        return new InMemoryUsageStore();
    }
}
