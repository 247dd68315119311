package dev.baton.ai.onnx;

import dev.baton.ai.Embedded;
import dev.baton.ai.ModelState;
import dev.baton.ai.Vectors;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BgeSmallEnV15ModelTest {
    private static BgeSmallEnV15Model model;

    @BeforeAll
    static void load() throws InterruptedException {
        model = BgeSmallEnV15Model.loadInBackground(OnnxSettings.defaults());
        model.awaitReady(Duration.ofMinutes(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void embedding_with_usage_counts_tokens_with_the_models_own_tokenizer() throws InterruptedException {
        // WordPiece: "tokenization" is split into sub-words, so the exact count differs from a length estimate.
        Embedded one = model.embedCounted(List.of("tokenization"));
        Embedded two = model.embedCounted(List.of("hello world", "tokenization"));

        assertThat(one.estimated()).isFalse();
        assertThat(one.inputTokens()).isGreaterThanOrEqualTo(2);
        assertThat(two.inputTokens()).isGreaterThan(one.inputTokens());
        assertThat(two.vectors().get(1)).containsExactly(one.vectors().getFirst());
        assertThat(model.embed(List.of("tokenization")).getFirst()).containsExactly(one.vectors().getFirst());
    }

    @Test
    void embeddings_are_384_dimensional_and_unit_length() throws InterruptedException {
        List<float[]> vectors = model.embed(List.of("A man is eating food.", "The stock market fell sharply today."));

        assertThat(model.state()).isEqualTo(ModelState.READY);
        assertThat(vectors).hasSize(2);
        for (float[] v : vectors) {
            assertThat(v).hasSize(384);
            assertThat(Vectors.norm(v)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void similar_sentences_score_higher_than_unrelated_ones() throws InterruptedException {
        List<float[]> v = model.embed(List.of(
                "A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."));

        double bread = Vectors.cosine(v.get(0), v.get(1));
        double horse = Vectors.cosine(v.get(0), v.get(2));
        assertThat(bread).isGreaterThan(horse + 0.1);
    }

    @Test
    void embedding_is_repeatable_and_independent_of_batching() throws InterruptedException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            texts.add("Sentence number " + i + " about embeddings.");
        }
        List<float[]> all = model.embed(texts);
        float[] alone = model.embed(List.of(texts.get(65))).getFirst();

        assertThat(all).hasSize(70);
        assertThat(all.get(65)).containsExactly(alone);
    }

    @Test
    void concurrent_callers_get_the_same_vectors_as_a_single_caller() throws Exception {
        List<String> texts = List.of("Rain is expected tomorrow.", "The match ended in a draw.",
                "Bond yields climbed.", "A new compiler release is out.");
        List<float[]> expected = model.embed(texts);
        List<java.util.concurrent.Future<List<float[]>>> results = new ArrayList<>();
        try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                results.add(callers.submit(() -> model.embed(texts)));
            }
        }
        for (var result : results) {
            List<float[]> vectors = result.get();
            for (int i = 0; i < texts.size(); i++) {
                assertThat(vectors.get(i)).containsExactly(expected.get(i));
            }
        }
    }

    @Test
    void blank_text_is_rejected_naming_its_index() {
        assertThatThrownBy(() -> model.embed(List.of("fine", "  ")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("texts[1]");
                });
        assertThatThrownBy(() -> model.embed(List.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void text_with_nothing_to_embed_is_an_invalid_argument() {
        assertThatThrownBy(() -> model.embed(List.of("fine", "\u200b\u200b")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("texts[1]:");
                });
    }

    @Test
    void interrupted_caller_stops_embedding() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> model.embed(List.of("one", "two"))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
