package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.Vectors;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Label centroids for {@code classify}, cached by (model, labels definition) so that classifying many documents
 * against the same labels embeds the labels once. A centroid is the normalised mean of the normalised embeddings
 * of the label's description-or-name and its examples (nearest-centroid classification).
 *
 * <p>Thread-safe. Concurrent requests for the same key wait for one computation (no duplicate embedding); a
 * failed or interrupted computation is not cached. The lock guards only the map, never the embedding. At most
 * {@code capacity} definitions are kept, least recently used evicted first.
 */
final class LabelCentroids {
    private record Key(String model, List<Label> labels) {
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, CompletableFuture<List<float[]>>> cache = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong computations = new AtomicLong();

    LabelCentroids(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** One unit-length centroid per label, in label order. */
    List<float[]> centroids(EmbeddingModel model, List<Label> labels) throws InterruptedException {
        Key key = new Key(model.name(), labels);
        CompletableFuture<List<float[]>> mine = new CompletableFuture<>();
        CompletableFuture<List<float[]>> existing;
        lock.lock();
        try {
            existing = cache.get(key);
            if (existing == null) {
                cache.put(key, mine);
                evictOverCapacity();
            }
        } finally {
            lock.unlock();
        }
        if (existing != null) {
            try {
                return existing.get();
            } catch (ExecutionException e) {
                // The computing caller failed (and removed the entry); compute again for this caller.
                return centroids(model, labels);
            }
        }
        try {
            List<float[]> centroids = compute(model, labels);
            mine.complete(centroids);
            return centroids;
        } catch (InterruptedException | RuntimeException e) {
            forget(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** How many times centroids were computed (embedding the labels); for tests and metrics. */
    long computations() {
        return computations.get();
    }

    private List<float[]> compute(EmbeddingModel model, List<Label> labels) throws InterruptedException {
        computations.incrementAndGet();
        List<String> texts = new ArrayList<>();
        for (Label label : labels) {
            texts.addAll(label.texts());
        }
        List<float[]> vectors = model.embed(texts);
        List<float[]> centroids = new ArrayList<>(labels.size());
        int next = 0;
        for (Label label : labels) {
            int count = label.texts().size();
            centroids.add(Vectors.normalizedMean(vectors.subList(next, next + count)));
            next += count;
        }
        return List.copyOf(centroids);
    }

    private void forget(Key key, CompletableFuture<List<float[]>> future) {
        lock.lock();
        try {
            cache.remove(key, future);
        } finally {
            lock.unlock();
        }
    }

    private void evictOverCapacity() {
        Iterator<Map.Entry<Key, CompletableFuture<List<float[]>>>> eldest = cache.entrySet().iterator();
        while (cache.size() > capacity && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }
}
