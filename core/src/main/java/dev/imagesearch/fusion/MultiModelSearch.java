package dev.imagesearch.fusion;

import dev.imagesearch.image.RgbImages;
import dev.imagesearch.query.DatabaseAugmentation;
import dev.imagesearch.query.QueryExpansion;
import dev.imagesearch.query.SearchRefinement;
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
import java.util.Set;
import java.util.function.Function;

/**
 * Searches with every model of an index ({@link SimilaritySearch}) and fuses the lists. A model that fails on the query image is
 * left out and reported in {@link MultiModelResult#failures()}; the others still answer. Only when every model
 * fails is it an error. A fusion without quality priors gets those of the index's models ({@link QualityPriors}),
 * which weigh the models when no weight was set. A model whose metadata has {@value #QUERY_EXPANSION_KEY} or
 * {@value #DATABASE_AUGMENTATION_KEY} searches with query expansion or database-side augmentation.
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
        return search(search, image, k, fusion, null);
    }

    /**
     * As {@link #search(SimilaritySearch, BufferedImage, int, Fusion)}, every model's search refined by
     * {@code refinement} instead of by its metadata (null: by its metadata).
     */
    public static MultiModelResult search(SimilaritySearch search, BufferedImage image, int k, Fusion fusion,
                                          SearchRefinement refinement) {
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
            List<Match> matches = k == 0 ? List.of()
                    : (refinement == null ? refinement(m) : refinement).search(vector, fusion.depth(k), m, search,
                            Set.of());
            perModel.add(new ModelResults(m.name(), m.collection().spec().metric(), matches));
        }
        if (perModel.isEmpty()) {
            throw new IllegalStateException("Every model failed on the query image: " + failures);
        }
        return new MultiModelResult(perModel, fusion.fuse(perModel, k), fusion, failures);
    }

    /**
     * The refinement a model's metadata asks for: {@value #QUERY_EXPANSION_KEY}{@code =N} or {@code N:ALPHA} (see
     * {@link QueryExpansion#parse}) and {@value #DATABASE_AUGMENTATION_KEY}, same form
     * ({@link DatabaseAugmentation#parse}). Off unless set: the scores then measure closeness between expanded or
     * augmented vectors, not between the images (docs/EVALUATION.md).
     *
     * @throws IllegalArgumentException naming the model and the key when a value is malformed
     */
    static SearchRefinement refinement(IndexedModel m) {
        return new SearchRefinement(parse(m, QUERY_EXPANSION_KEY, QueryExpansion::parse),
                parse(m, DATABASE_AUGMENTATION_KEY, DatabaseAugmentation::parse));
    }

    private static <T> T parse(IndexedModel m, String key, Function<String, T> parser) {
        String v = m.embedder().properties().get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Model " + m.name() + ": " + key + ": " + e.getMessage(), e);
        }
    }

    /** The model metadata key that turns on query expansion for {@link #search}. */
    public static final String QUERY_EXPANSION_KEY = "query.expansion";

    /** The model metadata key that turns on database-side augmentation for {@link #search}. */
    public static final String DATABASE_AUGMENTATION_KEY = "database.augmentation";
}
