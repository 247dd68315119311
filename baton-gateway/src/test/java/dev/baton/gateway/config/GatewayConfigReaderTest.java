package dev.baton.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ModelKind;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static GatewayConfig read(String yaml) {
        try {
            return GatewayConfigReader.read(YAML.readTree(yaml).get("gateway"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The error's one field path and message. */
    private static BatonException failure(String yaml) {
        try {
            read(yaml);
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.errors()).hasSize(1);
            return e;
        }
        throw new AssertionError("expected the configuration to be rejected:\n" + yaml);
    }

    private static final String TWO_DEPLOYMENTS = """
            gateway:
              models:
                fast:
                  strategy: weighted
                  fallbacks: [slow]
                  deployments:
                    - id: a
                      provider: openai
                      baseUrl: http://127.0.0.1:9999/v1
                      model: gpt-4o-mini
                      apiKey: env:OPENAI_API_KEY
                    - id: b
                      provider: anthropic
                      baseUrl: https://api.anthropic.com
                      model: claude-3-5-haiku-latest
                      %s
                slow:
                  deployments:
                    - {id: c, provider: openai, baseUrl: "http://127.0.0.1:9998/v1", model: llama3}
            """;

    @Test
    void reads_every_setting_of_a_full_configuration() {
        GatewayConfig config = read("""
                gateway:
                  models:
                    fast:
                      kind: chat
                      strategy: least-busy
                      fallbacks: [backup]
                      deployments:
                        - id: openai-main
                          provider: openai
                          baseUrl: https://api.openai.com/v1
                          model: gpt-4o-mini
                          apiKey: env:OPENAI_API_KEY
                          weight: 3
                          limits: {rpm: 500, tpm: 200000}
                          timeouts: {connect: 2s, read: 30s, total: 1m, firstToken: 10s, idle: 500ms}
                          pricing: {input: 0.15, output: 0.6}
                          breaker: {enabled: true, failureRateThreshold: 40, slowCallRateThreshold: 90,
                                    slowCallDuration: 20s, windowSize: 10, minimumCalls: 5, openDuration: 1m,
                                    halfOpenCalls: 2}
                          headers: {OpenAI-Organization: org-1}
                          enabled: false
                    backup:
                      deployments:
                        - {id: local-llm, provider: openai, baseUrl: "http://127.0.0.1:11434/v1", model: llama3}
                    vectors:
                      kind: embedding
                      deployments:
                        - {id: emb, provider: openai, baseUrl: "http://127.0.0.1:11434/v1", model: nomic-embed}
                  keys:
                    - {id: team-a, secret: "file:/run/secrets/team-a", limits: {rpm: 60}, budget: {maxCostUsd: 25}}
                  anonymous: {rpm: 10, tpm: 1000}
                  runBudget: {maxTokens: 200000, maxCostUsd: 2.5}
                  retry: {maxAttempts: 4, initialDelay: 50ms, maxDelay: 2s, multiplier: 3}
                  cache: {enabled: false, ttl: 10m, maxEntries: 500}
                  health: {probeInterval: 30s, probeTimeout: 3s}
                """);

        ModelAlias fast = config.models().get("fast");
        assertThat(fast.kind()).isEqualTo(ModelKind.CHAT);
        assertThat(fast.strategy()).isEqualTo(Strategy.LEAST_BUSY);
        assertThat(fast.fallbacks()).containsExactly("backup");
        Deployment d = fast.deployments().getFirst();
        assertThat(d.id()).isEqualTo("openai-main");
        assertThat(d.provider()).isEqualTo("openai");
        assertThat(d.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(d.upstreamModel()).isEqualTo("gpt-4o-mini");
        assertThat(d.apiKey()).isEqualTo(new SecretRef("env", "OPENAI_API_KEY"));
        assertThat(d.weight()).isEqualTo(3);
        assertThat(d.limits()).isEqualTo(new RateLimits(500, 200_000));
        assertThat(d.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMillis(500)));
        assertThat(d.pricing()).isEqualTo(new Pricing(0.15, 0.6));
        assertThat(d.breaker()).isEqualTo(new BreakerSettings(true, 40, 90, Duration.ofSeconds(20), 10, 5,
                Duration.ofMinutes(1), 2));
        assertThat(d.headers()).containsExactlyEntriesOf(Map.of("OpenAI-Organization", "org-1"));
        assertThat(d.enabled()).isFalse();
        assertThat(config.models().get("vectors").kind()).isEqualTo(ModelKind.EMBEDDING);

        assertThat(config.keys()).singleElement().satisfies(key -> {
            assertThat(key.id()).isEqualTo("team-a");
            assertThat(key.secret()).isEqualTo(new SecretRef("file", "/run/secrets/team-a"));
            assertThat(key.limits()).isEqualTo(new RateLimits(60, 0));
            assertThat(key.budget()).isEqualTo(new Budget(0, 25));
        });
        assertThat(config.anonymous()).isEqualTo(new RateLimits(10, 1000));
        assertThat(config.runBudget()).isEqualTo(new Budget(200_000, 2.5));
        assertThat(config.retry()).isEqualTo(new RetrySettings(4, Duration.ofMillis(50), Duration.ofSeconds(2), 3));
        assertThat(config.cache()).isEqualTo(new CacheSettings(false, Duration.ofMinutes(10), 500));
        assertThat(config.health()).isEqualTo(new HealthSettings(Duration.ofSeconds(30), Duration.ofSeconds(3)));
    }

    @Test
    void applies_the_documented_defaults() {
        GatewayConfig config = read(TWO_DEPLOYMENTS.formatted(""));
        ModelAlias slow = config.models().get("slow");
        assertThat(slow.kind()).isEqualTo(ModelKind.CHAT);
        assertThat(slow.strategy()).isEqualTo(Strategy.ROUND_ROBIN);
        Deployment c = slow.deployments().getFirst();
        assertThat(c.apiKey()).isNull();
        assertThat(c.weight()).isEqualTo(1);
        assertThat(c.limits()).isEqualTo(RateLimits.UNLIMITED);
        assertThat(c.timeouts()).isEqualTo(Timeouts.DEFAULT);
        assertThat(c.pricing()).isEqualTo(Pricing.FREE);
        assertThat(c.breaker()).isEqualTo(BreakerSettings.DEFAULT);
        assertThat(c.enabled()).isTrue();
        assertThat(config.retry()).isEqualTo(RetrySettings.DEFAULT);
        assertThat(config.cache()).isEqualTo(CacheSettings.DEFAULT);
        assertThat(config.health()).isEqualTo(HealthSettings.DEFAULT);
        assertThat(config.keys()).isEmpty();
    }

    @Test
    void a_missing_or_empty_section_is_the_empty_gateway() {
        assertThat(GatewayConfigReader.read(null)).isEqualTo(GatewayConfig.EMPTY);
        assertThat(read("gateway:\n")).isEqualTo(GatewayConfig.EMPTY);
    }

    @Test
    void a_misspelt_setting_is_named_by_its_exact_path_with_a_suggestion() {
        BatonException e = failure(TWO_DEPLOYMENTS.formatted("wieght: 2"));
        assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[1].wieght");
        assertThat(e.getMessage()).contains("did you mean 'weight'?");
    }

    @Test
    void unknown_settings_are_rejected_at_every_level() {
        assertThat(failure("gateway: {cahce: {}}").errors().getFirst().field()).isEqualTo("gateway.cahce");
        assertThat(failure("gateway: {cahce: {}}").getMessage()).contains("did you mean 'cache'?");
        assertThat(failure("gateway: {retry: {attempts: 2}}").errors().getFirst().field())
                .isEqualTo("gateway.retry.attempts");
        assertThat(failure(TWO_DEPLOYMENTS.formatted("limits: {rps: 3}")).errors().getFirst().field())
                .isEqualTo("gateway.models.fast.deployments[1].limits.rps");
    }

    @Test
    void wrong_types_name_the_path_and_the_expected_type() {
        BatonException weight = failure(TWO_DEPLOYMENTS.formatted("weight: heavy"));
        assertThat(weight.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[1].weight");
        assertThat(weight.getMessage()).contains("must be a whole number, got the string 'heavy'");

        BatonException timeout = failure(TWO_DEPLOYMENTS.formatted("timeouts: {read: 30}"));
        assertThat(timeout.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[1].timeouts.read");
        assertThat(timeout.getMessage()).contains("with its unit");

        BatonException enabled = failure(TWO_DEPLOYMENTS.formatted("enabled: sometimes"));
        assertThat(enabled.getMessage()).contains("must be true or false");

        BatonException deployments = failure("gateway: {models: {x: {deployments: {id: a}}}}");
        assertThat(deployments.errors().getFirst().field()).isEqualTo("gateway.models.x.deployments");
    }

    @Test
    void bad_values_are_rejected_with_the_reason() {
        assertThat(failure(TWO_DEPLOYMENTS.formatted("weight: 0")).getMessage())
                .contains("deployments[1].weight: must be between 1 and");
        assertThat(failure(TWO_DEPLOYMENTS.formatted("timeouts: {idle: 1x}")).errors().getFirst().field())
                .isEqualTo("gateway.models.fast.deployments[1].timeouts.idle");
        assertThat(failure(TWO_DEPLOYMENTS.formatted("timeouts: {idle: 0s}")).getMessage())
                .contains("must be longer than 0");
        assertThat(failure(TWO_DEPLOYMENTS.formatted("pricing: {input: -1}")).errors().getFirst().field())
                .isEqualTo("gateway.models.fast.deployments[1].pricing.input");
        assertThat(failure("gateway: {retry: {maxAttempts: 0}}").errors().getFirst().field())
                .isEqualTo("gateway.retry.maxAttempts");
        BatonException strategy = failure("""
                gateway: {models: {x: {strategy: round_robin, deployments: [{id: a, provider: openai,
                  baseUrl: "http://h/v1", model: m}]}}}
                """);
        assertThat(strategy.errors().getFirst().field()).isEqualTo("gateway.models.x.strategy");
        assertThat(strategy.getMessage()).contains("did you mean 'round-robin'?");
        BatonException provider = failure("""
                gateway: {models: {x: {deployments: [{id: a, provider: openia, baseUrl: "http://h/v1", model: m}]}}}
                """);
        assertThat(provider.errors().getFirst().field()).isEqualTo("gateway.models.x.deployments[0].provider");
        assertThat(provider.getMessage()).contains("did you mean 'openai'?");
        BatonException url = failure("""
                gateway: {models: {x: {deployments: [{id: a, provider: openai, baseUrl: "api.openai.com", model: m}]}}}
                """);
        assertThat(url.errors().getFirst().field()).isEqualTo("gateway.models.x.deployments[0].baseUrl");
        BatonException missing = failure("""
                gateway: {models: {x: {deployments: [{id: a, provider: openai, baseUrl: "http://h/v1"}]}}}
                """);
        assertThat(missing.errors().getFirst().field()).isEqualTo("gateway.models.x.deployments[0].model");
        assertThat(missing.getMessage()).contains("is required");
    }

    @Test
    void a_literal_api_key_is_rejected_as_a_secret_must_be_a_reference() {
        BatonException e = failure(TWO_DEPLOYMENTS.formatted("apiKey: sk-ant-abc123"));
        assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[1].apiKey");
        assertThat(e.getMessage()).contains("env:VARIABLE").contains("not a literal value")
                .doesNotContain("sk-ant-abc123");
        BatonException header = failure(TWO_DEPLOYMENTS.formatted("headers: {Authorization: Bearer sk-1}"));
        assertThat(header.errors().getFirst().field())
                .isEqualTo("gateway.models.fast.deployments[1].headers.Authorization");
        BatonException key = failure("gateway: {keys: [{id: k, secret: plain-text}]}");
        assertThat(key.errors().getFirst().field()).isEqualTo("gateway.keys[0].secret");
    }

    @Test
    void ids_must_be_unique_and_fallbacks_must_exist_with_the_same_kind() {
        BatonException duplicate = failure(TWO_DEPLOYMENTS.formatted("").replace("id: c", "id: a"));
        assertThat(duplicate.errors().getFirst().field()).isEqualTo("gateway.models.slow.deployments[0].id");
        BatonException unknown = failure(TWO_DEPLOYMENTS.formatted("").replace("[slow]", "[slwo]"));
        assertThat(unknown.errors().getFirst().field()).isEqualTo("gateway.models.fast.fallbacks[0]");
        assertThat(unknown.getMessage()).contains("did you mean 'slow'?");
        BatonException kind = failure(TWO_DEPLOYMENTS.formatted("").replace("  slow:\n", "  slow:\n      kind: embedding\n"));
        assertThat(kind.errors().getFirst().field()).isEqualTo("gateway.models.fast.fallbacks[0]");
        assertThat(kind.getMessage()).contains("embedding model");
        BatonException self = failure(TWO_DEPLOYMENTS.formatted("").replace("[slow]", "[fast]"));
        assertThat(self.getMessage()).contains("cannot fall back to itself");
        BatonException keys = failure("gateway: {keys: [{id: k, secret: env:A}, {id: k, secret: env:B}]}");
        assertThat(keys.errors().getFirst().field()).isEqualTo("gateway.keys[1].id");
    }
}
