package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.ModelState;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.baton.ai.step.Args.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Steps wait for a model that is still loading, bounded by the attempt's deadline. */
class ModelLoadingTest {

    /** A model that becomes ready when the test says so; embeds every text as a fixed unit vector. */
    static final class GatedModel implements EmbeddingModel {
        final CountDownLatch loaded = new CountDownLatch(1);
        volatile Duration lastWait;

        @Override
        public String name() {
            return "gated";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            if (!isReady()) {
                throw new BatonException(ErrorCode.NOT_READY, "gated is still loading");
            }
            return texts.stream().map(t -> new float[]{1, 0}).toList();
        }

        @Override
        public ModelState state() {
            return loaded.getCount() == 0 ? ModelState.READY : ModelState.LOADING;
        }

        @Override
        public void awaitReady(Duration timeout) throws InterruptedException {
            lastWait = timeout;
            if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BatonException(ErrorCode.NOT_READY, "gated is still loading after " + timeout);
            }
        }
    }

    @Test
    void a_step_waits_for_a_loading_model_instead_of_failing() throws Exception {
        GatedModel model = new GatedModel();
        EmbedStep step = new EmbedStep(EmbeddingModelRegistry.of(model), 0);
        Thread.ofVirtual().start(() -> {
            while (model.lastWait == null) {
                Thread.onSpinWait();
            }
            model.loaded.countDown();
        });

        var out = step.execute(TestContext.withRemaining(Duration.ofMinutes(1)), json("{'text': 'hello'}"));

        assertThat(out.get("model").textValue()).isEqualTo("gated");
        assertThat(model.lastWait).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void waiting_is_bounded_by_the_attempt_deadline_and_retriable() {
        GatedModel model = new GatedModel();
        EmbedStep step = new EmbedStep(EmbeddingModelRegistry.of(model), 0);

        assertThatThrownBy(() -> step.execute(TestContext.withRemaining(Duration.ZERO), json("{'text': 'hello'}")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY);
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(model.lastWait).isEqualTo(Duration.ZERO);
    }

    @Test
    void registry_reports_readiness_and_resolves_aliases() {
        GatedModel model = new GatedModel();
        EmbeddingModelRegistry registry = EmbeddingModelRegistry.of(model).register("default", model);

        assertThat(registry.allReady()).isFalse();
        assertThat(registry.states()).containsEntry("gated", ModelState.LOADING);
        model.loaded.countDown();
        assertThat(registry.allReady()).isTrue();
        assertThat(registry.require("default")).isSameAs(model);
        assertThat(registry.require(null)).isSameAs(model);
        assertThatThrownBy(() -> registry.register("gated", new GatedModel()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
