package dev.imagesearch.fusion;

import java.util.List;
import java.util.Map;

/**
 * One result of a fused ranking.
 *
 * @param rank        1 for the best fused result
 * @param id          content id
 * @param location    where the image is (first known location)
 * @param locations   every location holding the same bytes
 * @param contentHash hex SHA-256 of the image file
 * @param score       the fused score (higher is better; its scale depends on the {@link Fusion} method)
 * @param perModel    for each model that returned this image: its rank and score there (models that did not
 *                    return it within their candidate list are absent), in model order
 */
public record FusedMatch(int rank, long id, String location, List<String> locations, String contentHash,
                         double score, Map<String, ModelHit> perModel) {
    public FusedMatch {
        locations = List.copyOf(locations);
        perModel = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perModel));
    }

    /**
     * Where one model ranked a fused result.
     *
     * @param rank  1-based rank in that model's list
     * @param score that model's raw score (its collection's metric)
     */
    public record ModelHit(int rank, float score) {
    }
}
