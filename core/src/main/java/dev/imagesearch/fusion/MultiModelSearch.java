package dev.imagesearch.fusion;

import dev.imagesearch.image.RgbImages;
import dev.imagesearch.query.QueryExpansion;
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
 * fails is it an error. A fusion without quality priors gets those of the index's models ({@link QualityPriors}),
 * which weigh the models when no weight was set. A model whose metadata has {@value #QUERY_EXPANSION_KEY} searches
 * with query expansion.
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
        if (fusion.priors().isEmpty()) {
            fusion = fusion.withPriors(QualityPriors.of(search.models()), QualityPriors.variants(search.models()));
        }
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
            QueryExpansion qe = expansion(m);
            if (qe != null && !matches.isEmpty()) {
                float[] q = vector;
                matches = qe.search(q, matches, id -> m.collection().vector(id), (v, n) -> search.similar(m, v, n),
                        fusion.depth(k));
            }
            perModel.add(new ModelResults(m.name(), m.collection().spec().metric(), matches));
        }
        if (perModel.isEmpty()) {
            throw new IllegalStateException("Every model failed on the query image: " + failures);
        }
        return new MultiModelResult(perModel, fusion.fuse(perModel, k), fusion, failures);
    }

    /**
     * The query expansion a model's metadata asks for ({@value #QUERY_EXPANSION_KEY}{@code =N} or {@code N:ALPHA},
     * see {@link QueryExpansion#parse}), or null. Off unless set: the scores then measure closeness to the expanded
     * query, not to the image (docs/EVALUATION.md).
     *
     * @throws IllegalArgumentException naming the model when the value is malformed
     */
    static QueryExpansion expansion(IndexedModel m) {
        String v = m.embedder().properties().get(QUERY_EXPANSION_KEY);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return QueryExpansion.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Model " + m.name() + ": " + QUERY_EXPANSION_KEY + ": "
                    + e.getMessage(), e);
        }
    }

    /** The model metadata key that turns on query expansion for {@link #search}. */
    public static final String QUERY_EXPANSION_KEY = "query.expansion";
}
