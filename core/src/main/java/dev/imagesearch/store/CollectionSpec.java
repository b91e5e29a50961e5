package dev.imagesearch.store;

import java.util.Objects;

/**
 * What a vector collection holds: its name, the vector dimension, the metric and the fingerprint of the model
 * that made the vectors. Immutable; build it with {@link #builder(String, int)}.
 *
 * @param name        collection name (usually the model name)
 * @param dimension   number of elements of every vector, &gt; 0
 * @param metric      how vectors are compared; default {@link Metric#COSINE}
 * @param fingerprint identity of the model and preprocessing that produced the vectors; default: the name
 */
public record CollectionSpec(String name, int dimension, Metric metric, String fingerprint) {

    public CollectionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Collection name must not be blank");
        }
        if (dimension <= 0) {
            throw new IllegalArgumentException("Vector dimension must be > 0, was " + dimension);
        }
    }

    /** The {@link #fingerprint()} read into its parts (model, settings, decoding policy). */
    public ModelFingerprint modelFingerprint() {
        return ModelFingerprint.parse(fingerprint);
    }

    public static Builder builder(String name, int dimension) {
        return new Builder(name, dimension);
    }

    /** Builder for {@link CollectionSpec}. */
    public static final class Builder {
        private final String name;
        private final int dimension;
        private Metric metric = Metric.COSINE;
        private String fingerprint;

        private Builder(String name, int dimension) {
            this.name = name;
            this.dimension = dimension;
        }

        /** Default {@link Metric#COSINE}. */
        public Builder metric(Metric metric) {
            this.metric = metric;
            return this;
        }

        /** Default: the collection name. */
        public Builder fingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        /** As {@link #fingerprint(String)}, from the typed form (stored as its {@link ModelFingerprint#value()}). */
        public Builder fingerprint(ModelFingerprint fingerprint) {
            this.fingerprint = fingerprint.value();
            return this;
        }

        public CollectionSpec build() {
            return new CollectionSpec(name, dimension, metric, fingerprint == null ? name : fingerprint);
        }
    }
}
