package dev.baton.server;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.usage.InMemoryUsageStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayStackTest {
    private static final String LOCAL = "bge-small-en-v1.5";

    private static ModelAlias chat(String name, String deploymentId) {
        return new ModelAlias(name, ModelKind.CHAT, Strategy.ROUND_ROBIN,
                List.of(Deployment.of(deploymentId, "openai", URI.create("http://127.0.0.1:1/v1"), "m")), List.of());
    }

    @Test
    void the_in_process_model_is_added_as_a_local_embedding_alias() {
        GatewayConfig config = GatewayStack.withLocalModel(GatewayConfig.EMPTY.withModel(chat("fast", "f")), LOCAL);
        assertThat(GatewayStack.models(config)).extracting(ModelInfo::alias).containsExactly(LOCAL, "fast");
        ModelAlias local = config.models().get(LOCAL);
        assertThat(local.kind()).isEqualTo(ModelKind.EMBEDDING);
        assertThat(local.deployments()).singleElement().satisfies(d -> {
            assertThat(d.provider()).isEqualTo("local");
            assertThat(d.id()).isEqualTo("local-" + LOCAL);
        });
        assertThat(GatewayStack.withLocalModel(GatewayConfig.EMPTY, null).models()).isEmpty();
    }

    @Test
    void a_configured_alias_of_the_same_name_wins_and_a_clashing_deployment_id_is_named() {
        GatewayConfig own = GatewayConfig.EMPTY.withModel(chat(LOCAL, "remote"));
        assertThat(GatewayStack.withLocalModel(own, LOCAL).models().get(LOCAL).deployments().getFirst().id())
                .isEqualTo("remote");

        GatewayConfig clash = GatewayConfig.EMPTY.withModel(chat("fast", "local-" + LOCAL));
        assertThatThrownBy(() -> GatewayStack.withLocalModel(clash, LOCAL))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("local-" + LOCAL);
                });
    }

    @Test
    void the_assembled_stack_lists_every_alias_and_serves_admin_and_usage() {
        GatewayConfig config = GatewayConfig.EMPTY.withModel(chat("fast", "f"));
        NodeGateway gateway = GatewayStack.assemble(config, LOCAL, new EmbeddingModelRegistry(LOCAL),
                new InMemoryUsageStore(), Map.of(), InstantSource.system(), dev.baton.gateway.usage.UsageListener.NONE,
                io.opentelemetry.api.OpenTelemetry.noop(), null, TestEgress.LOOPBACK.policy(), HostResolver.SYSTEM, null,
                dev.baton.gateway.quota.QuotaSource.NONE);
        try {
            assertThat(gateway.gateway().models()).extracting(ModelInfo::alias).containsExactly(LOCAL, "fast");
            assertThat(gateway.admin().deployments()).extracting(s -> s.id()).contains("f", "local-" + LOCAL);
            assertThat(gateway.keys().required()).isFalse();
        } finally {
            try {
                gateway.closer().close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void a_deployment_on_a_denied_address_stops_the_start_naming_it_and_the_allow_setting() {
        GatewayConfig config = GatewayConfig.EMPTY.withModel(chat("fast", "f"));
        assertThatThrownBy(() -> GatewayStack.assemble(config, LOCAL, new EmbeddingModelRegistry(LOCAL),
                new InMemoryUsageStore(), Map.of(), InstantSource.system()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[0].baseUrl");
                    assertThat(e.getMessage()).contains("deployment f:").contains("127.0.0.1 is a loopback address")
                            .contains("security.egress.allow");
                });
    }

    @Test
    void a_deployment_whose_name_resolves_to_cloud_metadata_is_refused_even_when_its_name_is_allowed() {
        GatewayConfig config = GatewayConfig.EMPTY.withModel(new ModelAlias("fast", ModelKind.CHAT,
                Strategy.ROUND_ROBIN, List.of(Deployment.of("f", "openai", URI.create("https://llm.corp/v1"), "m")),
                List.of()));
        HostResolver metadata = host -> List.of(java.net.InetAddress.getByName("169.254.169.254"));
        assertThatThrownBy(() -> DeploymentEgress.check(config, EgressPolicy.DEFAULT.allowing("llm.corp"), metadata))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.getMessage()).contains("llm.corp (169.254.169.254) is a cloud metadata"));
        DeploymentEgress.check(config, EgressPolicy.DEFAULT.allowing("llm.corp"),
                host -> List.of(java.net.InetAddress.getByName("10.1.2.3")));
    }

    @Test
    void a_deployment_whose_answer_mixes_public_and_private_addresses_is_refused() {
        GatewayConfig config = GatewayConfig.EMPTY.withModel(new ModelAlias("fast", ModelKind.CHAT,
                Strategy.ROUND_ROBIN, List.of(Deployment.of("f", "openai", URI.create("https://llm.example/v1"), "m")),
                List.of()));
        HostResolver mixed = host -> List.of(java.net.InetAddress.getByName("10.0.0.5"),
                java.net.InetAddress.getByName("8.8.8.8"));
        assertThatThrownBy(() -> DeploymentEgress.check(config, EgressPolicy.DEFAULT, mixed))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[0].baseUrl");
                    assertThat(e.getMessage()).contains("llm.example (10.0.0.5) is a private address");
                });
    }

    @Test
    void an_unresolvable_deployment_key_stops_the_start_naming_the_setting() {
        Deployment keyed = new Deployment("k", "openai", URI.create("http://127.0.0.1:1/v1"), "m",
                new SecretRef("env", "MISSING_KEY"), 1, RateLimits.UNLIMITED,
                Timeouts.DEFAULT, Pricing.FREE,
                BreakerSettings.DEFAULT, Map.of(), true);
        GatewayConfig config = GatewayConfig.EMPTY.withModel(new ModelAlias("fast", ModelKind.CHAT,
                Strategy.ROUND_ROBIN, List.of(keyed), List.of()));
        assertThatThrownBy(() -> GatewayStack.checkSecrets(config, Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[0].apiKey");
                    assertThat(e.getMessage()).contains("MISSING_KEY");
                });
        GatewayStack.checkSecrets(config, Map.of("MISSING_KEY", "sk-present"));
    }

    @Test
    void a_deferred_gateway_answers_the_declared_models_until_bound_and_refuses_calls() {
        List<ModelInfo> declared = List.of(new ModelInfo("fast", ModelKind.CHAT, List.of("f"), List.of()));
        DeferredGateway deferred = new DeferredGateway(declared);
        assertThat(deferred.models()).isEqualTo(declared);
        assertThatThrownBy(() -> deferred.chat(ChatRequest.of("fast", List.of(ChatMessage.user("hi"))),
                CallContext.direct("anonymous")))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY));
    }
}
