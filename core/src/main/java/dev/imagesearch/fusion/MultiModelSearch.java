package dev.imagesearch.fusion;

import dev.imagesearch.image.RgbImages;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.search.SimilaritySearch;
import dev.imagesearch.store.SearchArguments;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Searches with every model of an index ({@link SimilaritySearch}) and fuses the lists. A model that fails on the query image is
 * left out and reported in {@link MultiModelResult#failures()}; the others still answer. Only when every model
 * fails is it an error.
 */
public final class MultiModelSearch {

    private MultiModelSearch() {
    }

    /**
     * Each model's top {@code fusion.depth(k)} and the fused top {@code k}.
     *
     * @throws IllegalArgumentException for a negative {@code k}
     * @throws IllegalStateException    when every model fails on the image (the message has each reason)
     */
    public static MultiModelResult search(SimilaritySearch search, BufferedImage image, int k, Fusion fusion) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(fusion, "fusion");
        SearchArguments.checkK(k);
        BufferedImage rgb = RgbImages.toRgb(image); // once for every model
        List<ModelResults> perModel = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (IndexedModel m : search.models()) {
            float[] vector;
            try {
                vector = search.embed(m, rgb);
            } catch (RuntimeException e) {
                failures.put(m.name(), "embedding failed: " + e.getMessage());
                continue;
            }
            List<Match> matches = k == 0 ? List.of() : search.similar(m, vector, fusion.depth(k));
            perModel.add(new ModelResults(m.name(), m.collection().spec().metric(), matches));
        }
        if (perModel.isEmpty()) {
            throw new IllegalStateException("Every model failed on the query image: " + failures);
        }
        return new MultiModelResult(perModel, fusion.fuse(perModel, k), fusion, failures);
    }
}
