package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.Vectors;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code similarity}: cosine similarity of two operands, {@code {a, b}} → {@code {score}}, or the top-k candidates
 * for a query, {@code {query, candidates, topK? (default 5)}} → {@code {matches: [{index, score}...]}} sorted by
 * score descending, ties by index. Each operand is a text (embedded with {@code model}, all texts of a step in
 * one batch) or a vector (used as given; it need not be normalised). Thread-safe.
 */
public final class SimilarityStep extends ModelStep {
    /** Default number of matches returned for a query. */
    public static final int DEFAULT_TOP_K = 5;
    private static final int MAX_CANDIDATES = 100_000;
    private static final StepSignature SIGNATURE = new StepSignature(Set.of(),
            Set.of("a", "b", "query", "candidates", "topK", "model"));


    /**
     * @param models           where {@code model} names are looked up
     * @param concurrencyLimit attempts of this type running at once (CPU-bound: the number of cores), or 0
     */
    public SimilarityStep(EmbeddingModelRegistry models, int concurrencyLimit) {
        this(models, null, concurrencyLimit);
    }

    /**
     * @param models           where {@code model} names are looked up first (in-process models)
     * @param gateway          where other {@code model} names are looked up (its embedding aliases), or {@code null}
     * @param concurrencyLimit attempts of this type running at once, or 0
     */
    public SimilarityStep(EmbeddingModelRegistry models, Gateway gateway, int concurrencyLimit) {
        super("similarity", SIGNATURE, models, gateway, concurrencyLimit);
    }

    /** At validation time: the pair or the search form, not both, and a constant {@code topK} in range. */
    @Override
    void checkMore(Set<String> names, ArgumentChecks checks) {
        boolean pair = names.contains("a") || names.contains("b");
        boolean search = names.contains("query") || names.contains("candidates") || names.contains("topK");
        if (pair == search) {
            checks.run(() -> {
                throw Arguments.invalid(pair ? "query" : "a",
                        "give either 'a' and 'b', or 'query' and 'candidates' (with optional 'topK')");
            });
        }
        checks.ifConstant("topK", () -> Arguments.integer(checks.constant("topK"), "topK", 1, MAX_CANDIDATES));
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        Arguments.requireObject(arguments);
        boolean pair = arguments.has("a") || arguments.has("b");
        boolean search = arguments.has("query") || arguments.has("candidates") || arguments.has("topK");
        if (pair == search) {
            throw Arguments.invalid(pair ? "query" : "a",
                    "give either 'a' and 'b', or 'query' and 'candidates' (with optional 'topK')");
        }
        String modelName = Arguments.model(arguments);
        return pair ? pair(context, arguments, modelName) : search(context, arguments, modelName);
    }

    private JsonNode pair(StepContext context, JsonNode arguments, String modelName) throws InterruptedException {
        List<Operand> operands = List.of(
                Operand.parse(Arguments.optional(arguments, "a"), "a"),
                Operand.parse(Arguments.optional(arguments, "b"), "b"));
        List<float[]> vectors = resolve(context, modelName, operands);
        ObjectNode output = Json.NODES.objectNode();
        output.put("score", Vectors.cosine(vectors.get(0), vectors.get(1)));
        return output;
    }

    private JsonNode search(StepContext context, JsonNode arguments, String modelName) throws InterruptedException {
        Operand query = Operand.parse(Arguments.optional(arguments, "query"), "query");
        JsonNode candidates = Arguments.required(arguments, "candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            throw Arguments.invalid("candidates", "must be a non-empty list of texts or vectors, got "
                    + (candidates.isArray() ? "an empty list" : Arguments.kind(candidates)));
        }
        if (candidates.size() > MAX_CANDIDATES) {
            throw Arguments.invalid("candidates", "at most " + MAX_CANDIDATES + " candidates, got "
                    + candidates.size());
        }
        JsonNode topKNode = Arguments.optional(arguments, "topK");
        int topK = topKNode == null ? DEFAULT_TOP_K : Arguments.integer(topKNode, "topK", 1, MAX_CANDIDATES);

        List<Operand> operands = new ArrayList<>(candidates.size() + 1);
        operands.add(query);
        for (int i = 0; i < candidates.size(); i++) {
            operands.add(Operand.parse(candidates.get(i), "candidates[" + i + "]"));
        }
        List<float[]> vectors = resolve(context, modelName, operands);

        record Match(int index, double score) {
        }
        float[] q = vectors.getFirst();
        List<Match> matches = new ArrayList<>(candidates.size());
        for (int i = 1; i < vectors.size(); i++) {
            matches.add(new Match(i - 1, Vectors.cosine(q, vectors.get(i))));
        }
        matches.sort(Comparator.comparingDouble(Match::score).reversed().thenComparingInt(Match::index));

        ObjectNode output = Json.NODES.objectNode();
        ArrayNode list = output.putArray("matches");
        for (Match match : matches.subList(0, Math.min(topK, matches.size()))) {
            list.addObject().put("index", match.index()).put("score", match.score());
        }
        return output;
    }

    /** Vectors for the operands in order: texts embedded in one batch, vectors checked for matching lengths. */
    private List<float[]> resolve(StepContext context, String modelName, List<Operand> operands)
            throws InterruptedException {
        List<String> texts = new ArrayList<>();
        for (Operand operand : operands) {
            if (operand instanceof Operand.Text text) {
                texts.add(text.text());
            }
        }
        EmbeddingModel model = texts.isEmpty() ? null : embedder.ready(context, modelName);
        List<float[]> embedded = model == null ? List.of() : model.embed(texts);

        List<float[]> vectors = new ArrayList<>(operands.size());
        int next = 0;
        Operand first = null;
        for (Operand operand : operands) {
            float[] vector = switch (operand) {
                case Operand.Text text -> embedded.get(next++);
                case Operand.Vector given -> given.values();
            };
            if (operand instanceof Operand.Vector given) {
                if (model != null && given.values().length != model.dimensions()) {
                    throw Arguments.invalid(given.field(), "vector has " + given.values().length
                            + " dimensions but model " + model.name() + " produces " + model.dimensions());
                }
                if (first != null && vectors.getFirst().length != given.values().length) {
                    throw Arguments.invalid(given.field(), "vector has " + given.values().length
                            + " dimensions but " + first.field() + " has " + vectors.getFirst().length);
                }
            }
            if (first == null) {
                first = operand;
            }
            vectors.add(vector);
        }
        return vectors;
    }
}
