package dev.baton.core.store;

/** The run store contract on the in-memory store. */
class InMemoryRunStoreTest extends RunStoreContract {
    @Override
    protected RunStore emptyStore() {
        return new InMemoryRunStore();
    }
}
