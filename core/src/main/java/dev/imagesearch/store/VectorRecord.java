package dev.imagesearch.store;

import java.util.Objects;

/**
 * One vector to store under an id. The array is not copied: don't change it after handing it over.
 *
 * @param id     content id of the image (see {@code ContentId})
 * @param vector the embedding
 */
public record VectorRecord(long id, float[] vector) {
    public VectorRecord {
        Objects.requireNonNull(vector, "vector");
    }
}
