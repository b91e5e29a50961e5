package dev.imagesearch.store;

/**
 * How two vectors are compared. Scores follow the Milvus conventions so that every store reports the same numbers.
 */
public enum Metric {
    /** Cosine similarity in [-1, 1]; higher is more similar. */
    COSINE(true),
    /** Inner product; higher is more similar. Equals cosine for L2-normalised vectors. */
    IP(true),
    /** Squared Euclidean distance; lower is more similar. */
    L2(false);

    private final boolean higherIsBetter;

    Metric(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** Whether a larger score means a closer match. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Parses a metric name, case-insensitively. */
    public static Metric parse(String name) {
        for (Metric m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown metric '" + name + "'; expected one of COSINE, IP, L2");
    }
}
