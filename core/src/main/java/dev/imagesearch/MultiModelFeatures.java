package dev.imagesearch;

import dev.imagesearch.compare.Comparison;
import dev.imagesearch.duplicates.DuplicateFinder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.MultiModelResult;
import dev.imagesearch.fusion.MultiModelSearch;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.search.SimilaritySearch;
import dev.imagesearch.store.SearchArguments;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The multi-model operations of {@link ImageSearch}: fused search, comparison and near-duplicates, and refined
 * search. Their logic lives in {@code fusion}, {@code compare}, {@code duplicates} and {@code query}, which see the
 * index only as a {@link SimilaritySearch}; these methods only delegate, so the facade stays small and the package
 * graph acyclic.
 */
public interface MultiModelFeatures extends SimilaritySearch {

    /** As {@link SimilaritySearch#decode(Path)}: decodes a query file as indexing does. */
    @Override
    BufferedImage decode(Path image) throws ImageDecodeException;

    /**
     * Searches with every model and fuses the lists: each model's top {@code fusion.depth(k)} and the fused top
     * {@code k}, each fused result with every model's rank and score. A model that fails on the image is left out
     * and named in {@link MultiModelResult#failures()}. With one model the fused list is that model's list.
     *
     * @throws IllegalArgumentException for a negative {@code k}
     * @throws IllegalStateException    when every model fails on the image
     */
    default MultiModelResult searchAll(BufferedImage image, int k, Fusion fusion) {
        return MultiModelSearch.search(this, image, k, fusion);
    }

    /**
     * As {@link #searchAll(BufferedImage, int, Fusion)}, every model's search refined by {@code refinement} (query
     * expansion, database-side augmentation) instead of by the models' metadata.
     */
    default MultiModelResult searchAll(BufferedImage image, int k, Fusion fusion, SearchRefinement refinement) {
        return MultiModelSearch.search(this, image, k, fusion, Objects.requireNonNull(refinement, "refinement"));
    }

    /** As {@link #searchAll(BufferedImage, int, Fusion)} for an image file. */
    default MultiModelResult searchAll(Path image, int k, Fusion fusion) throws ImageDecodeException {
        SearchArguments.checkK(k);
        return searchAll(decode(image), k, fusion);
    }

    /**
     * The {@code k} indexed images most similar to {@code image} according to the primary model, with the search
     * refined by query expansion and/or database-side augmentation (on the evaluation sets they rank images of the
     * same kind higher, docs/EVALUATION.md; the scores are then similarities between expanded or augmented vectors,
     * not between the two images). {@link SearchRefinement#NONE} gives {@code similar(image, k)}'s results.
     *
     * @throws IllegalArgumentException for a negative {@code k}
     */
    default List<Match> similar(BufferedImage image, int k, SearchRefinement refinement) {
        SearchArguments.checkK(k);
        Objects.requireNonNull(refinement, "refinement");
        IndexedModel primary = models().get(0);
        return k == 0 ? List.of() : refinement.search(embed(primary, image), k, primary, this, Set.of());
    }

    /**
     * As {@link #similar(BufferedImage, int, SearchRefinement)} for an image file.
     *
     * @throws ImageDecodeException if the file cannot be read or decoded, and {@link EmbeddingException} if the
     *         model fails on it; both messages start with the file's path
     */
    default List<Match> similar(Path image, int k, SearchRefinement refinement) throws ImageDecodeException {
        SearchArguments.checkK(k);
        BufferedImage decoded = decode(image);
        try {
            return similar(decoded, k, refinement);
        } catch (EmbeddingException e) {
            throw new EmbeddingException(IndexDecoding.withPath(image, e.getMessage()), e);
        }
    }

    /**
     * Every model's top {@code k} for one image side by side, with overlap@k and rank correlations between models
     * and each model's score distribution. A model that fails on the image is left out.
     *
     * @throws IllegalArgumentException for a negative {@code k}
     * @throws IllegalStateException    when every model fails on the image
     */
    default Comparison compare(BufferedImage image, int k) {
        SearchArguments.checkK(k);
        MultiModelResult r = searchAll(image, k, Fusion.builder(Fusion.Method.RRF).candidates(1).build());
        return Comparison.of(r.perModel(), k);
    }

    /** As {@link #compare(BufferedImage, int)} for an image file. */
    default Comparison compare(Path image, int k) throws ImageDecodeException {
        SearchArguments.checkK(k);
        return compare(decode(image), k);
    }

    /**
     * Groups of near-identical indexed images according to the primary model, with the model's measured default
     * threshold. See {@link DuplicateFinder}.
     */
    default DuplicateFinder.Result duplicates() {
        return DuplicateFinder.builder(this).build().find();
    }

    /** As {@link #duplicates()} with a threshold (cosine: pairs scoring at least {@code threshold}). */
    default DuplicateFinder.Result duplicates(double threshold) {
        return DuplicateFinder.builder(this).threshold(threshold).build().find();
    }
}
