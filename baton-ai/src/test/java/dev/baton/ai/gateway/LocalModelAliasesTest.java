package dev.baton.ai.gateway;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalModelAliasesTest {
    private final EmbeddingModelRegistry models = EmbeddingModelRegistry.of(new FakeEmbeddingModel("mini", 8))
            .register(new FakeEmbeddingModel("other", 4));

    {
        models.register("default", models.require("mini"));
    }

    @Test
    void each_in_process_model_gets_a_free_embedding_alias_with_one_local_deployment_and_aliases_are_skipped() {
        List<ModelAlias> aliases = LocalModelAliases.of(models);

        assertThat(aliases).extracting(ModelAlias::name).containsExactly("mini", "other");
        ModelAlias mini = aliases.getFirst();
        assertThat(mini.kind()).isEqualTo(ModelKind.EMBEDDING);
        assertThat(mini.fallbacks()).isEmpty();
        Deployment deployment = mini.deployments().getFirst();
        assertThat(mini.deployments()).hasSize(1);
        assertThat(deployment.id()).isEqualTo("local-mini");
        assertThat(deployment.provider()).isEqualTo("local");
        assertThat(deployment.baseUrl()).isNull();
        assertThat(deployment.upstreamModel()).isEqualTo("mini");
        assertThat(deployment.apiKey()).isNull();
        assertThat(deployment.pricing()).isEqualTo(Pricing.FREE);
        assertThat(deployment.breaker().enabled()).isFalse();
        assertThat(deployment.enabled()).isTrue();
    }

    @Test
    void added_to_a_configuration_without_replacing_an_alias_the_operator_configured() {
        ModelAlias configured = new ModelAlias("other", ModelKind.EMBEDDING, Strategy.ROUND_ROBIN,
                List.of(Deployment.of("ollama-other", "openai", URI.create("http://127.0.0.1:11434/v1"), "other")),
                List.of());

        GatewayConfig config = LocalModelAliases.addTo(GatewayConfig.EMPTY.withModel(configured), models);

        assertThat(config.models()).containsOnlyKeys("mini", "other");
        assertThat(config.models().get("other")).isEqualTo(configured);
        assertThat(config.kindOf("mini")).isEqualTo(ModelKind.EMBEDDING);
        assertThat(LocalModelAliases.addTo(GatewayConfig.EMPTY, models).models()).containsOnlyKeys("mini", "other");
    }
}
