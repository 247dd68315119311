package dev.baton.ai;

/**
 * Vector arithmetic on {@code float[]} embeddings. Sums are accumulated in {@code double} so results do not depend
 * on the summation grouping more than necessary; every method is pure and thread-safe.
 */
public final class Vectors {
    private Vectors() {
    }

    /** Dot product. Both vectors must have the same length. */
    public static double dot(float[] a, float[] b) {
        requireSameLength(a, b);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Euclidean (L2) norm. */
    public static double norm(float[] a) {
        double sum = 0;
        for (float x : a) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    /**
     * Cosine similarity in [-1, 1]: {@code a·b / (|a| |b|)}.
     *
     * @throws IllegalArgumentException when the lengths differ or either vector is zero
     */
    public static double cosine(float[] a, float[] b) {
        double na = norm(a);
        double nb = norm(b);
        if (na == 0 || nb == 0) {
            throw new IllegalArgumentException("cosine similarity is undefined for a zero vector");
        }
        double cos = dot(a, b) / (na * nb);
        return Math.max(-1.0, Math.min(1.0, cos));
    }

    /**
     * A copy of {@code a} scaled to unit L2 norm.
     *
     * @throws IllegalArgumentException when {@code a} is the zero vector
     */
    public static float[] normalize(float[] a) {
        double n = norm(a);
        if (n == 0) {
            throw new IllegalArgumentException("cannot normalise a zero vector");
        }
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] / n);
        }
        return out;
    }

    /**
     * The element-wise mean of equally long vectors, scaled to unit length (the direction of the centroid).
     *
     * @throws IllegalArgumentException when there are no vectors, lengths differ or the mean is zero
     */
    public static float[] normalizedMean(java.util.List<float[]> vectors) {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("mean of no vectors");
        }
        int dims = vectors.getFirst().length;
        double[] sum = new double[dims];
        for (float[] v : vectors) {
            if (v.length != dims) {
                throw new IllegalArgumentException("vectors of different lengths: " + dims + " and " + v.length);
            }
            for (int i = 0; i < dims; i++) {
                sum[i] += v[i];
            }
        }
        float[] mean = new float[dims];
        for (int i = 0; i < dims; i++) {
            mean[i] = (float) (sum[i] / vectors.size());
        }
        return normalize(mean);
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
    }
}
