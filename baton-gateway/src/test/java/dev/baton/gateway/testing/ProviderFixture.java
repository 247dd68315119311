package dev.baton.gateway.testing;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.Provider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the provider contract suites need from one provider: its fake upstream and an instance of it. A fresh fake
 * and provider are started for every test and closed after it.
 */
public abstract class ProviderFixture {
    /** The secret the fixture's environment holds under {@link #KEY_VARIABLE}. */
    protected static final String SECRET = "sk-baton-contract-5ecret-k3y";
    /** The environment variable the deployments' key references. */
    protected static final String KEY_VARIABLE = "CONTRACT_API_KEY";
    /** Timeouts short enough that a fault's delay (seconds) always loses. */
    protected static final Duration SHORT = Duration.ofMillis(200);
    /** A delay far longer than {@link #SHORT}; the fake's sleeps end when it is closed. */
    protected static final Duration LONG = Duration.ofSeconds(30);

    protected FakeUpstream upstream;
    protected Provider provider;

    /** Starts the fake upstream this provider speaks to. */
    protected abstract FakeUpstream startUpstream();

    /** Builds the provider; {@code environment} resolves {@code env:} key references. */
    protected abstract Provider newProvider(Map<String, String> environment);

    /** Whether the provider has an embeddings API. */
    protected abstract boolean supportsEmbeddings();

    /** The API key as the upstream received it, or {@code null}. */
    protected abstract String sentApiKey(RecordedRequest request);

    @BeforeEach
    void startFixture() {
        upstream = startUpstream();
        provider = newProvider(Map.of(KEY_VARIABLE, SECRET));
    }

    @AfterEach
    void stopFixture() throws Exception {
        if (provider instanceof AutoCloseable closeable) {
            closeable.close();
        }
        upstream.close();
    }

    /** A deployment on the fake with default timeouts, a key reference and one extra header. */
    protected Deployment deployment() {
        return deployment(Timeouts.DEFAULT);
    }

    /** A deployment on the fake with these timeouts. */
    protected Deployment deployment(Timeouts timeouts) {
        return new Deployment("contract", provider.type(), upstream.baseUrl(), "model-x",
                new SecretRef("env", KEY_VARIABLE), 1, RateLimits.UNLIMITED, timeouts, Pricing.FREE,
                BreakerSettings.DEFAULT, Map.of("X-Baton-Test", "contract"), true);
    }

    /** Timeouts with {@link #SHORT} for the one named, generous ones for the rest. */
    protected static Timeouts shortTimeout(String which) {
        Duration connect = Duration.ofSeconds(5);
        Duration slow = Duration.ofSeconds(20);
        return new Timeouts(connect, which.equals("read") ? SHORT : slow, which.equals("total") ? SHORT : slow,
                which.equals("firstToken") ? SHORT : slow, which.equals("idle") ? SHORT : slow);
    }

    /** A one-message chat request. */
    protected static ChatRequest ask(String text) {
        return ChatRequest.of("model-x", List.of(ChatMessage.user(text)));
    }

    /** The exception {@code call} throws. */
    protected static BatonException failure(Runnable call) {
        try {
            call.run();
        } catch (BatonException e) {
            return e;
        }
        throw new AssertionError("expected a BatonException, but the call succeeded");
    }
}
