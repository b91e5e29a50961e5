package dev.imagesearch.milvus;

import java.util.Objects;

/**
 * A vector with the optional scalar fields of an imagesearch Milvus collection, for
 * {@link MilvusCollection#upsertRecords}. Filters of {@link MilvusCollection#search(float[], int, String)} can
 * use them, e.g. {@code location like "/photos/2024/%"}.
 *
 * @param id          content id of the image
 * @param vector      the embedding (not copied)
 * @param location    where the image is, or {@code null} (stored as null)
 * @param contentHash hex SHA-256 of the image bytes, or {@code null}
 */
public record MilvusRecord(long id, float[] vector, String location, String contentHash) {
    public MilvusRecord {
        Objects.requireNonNull(vector, "vector");
        if (location != null && location.length() > MilvusVectorStore.MAX_LOCATION_LENGTH) {
            throw new IllegalArgumentException("location of id " + id + " has " + location.length()
                    + " characters; at most " + MilvusVectorStore.MAX_LOCATION_LENGTH + " fit");
        }
    }
}
