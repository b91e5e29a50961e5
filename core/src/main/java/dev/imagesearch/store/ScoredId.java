package dev.imagesearch.store;

/**
 * A search hit: the id of a stored vector and its score under the collection's {@link Metric}.
 *
 * @param id    the stored vector's id
 * @param score cosine similarity or inner product (higher is closer), or squared L2 distance (lower is closer)
 */
public record ScoredId(long id, float score) {
}
