package dev.baton.core.security;

/** The API key store contract on the in-memory store. */
class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {
    @Override
    protected ApiKeyStore emptyStore() {
        return new InMemoryApiKeyStore();
    }
}
