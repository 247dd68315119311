package dev.baton.core.store;

/** The workflow store contract on the in-memory store. */
class InMemoryWorkflowStoreTest extends WorkflowStoreContract {
    @Override
    protected WorkflowStore emptyStore() {
        return new InMemoryWorkflowStore();
    }
}
