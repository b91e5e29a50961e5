package dev.imagesearch.query;

import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.search.SimilaritySearch;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * How one model's k-NN search is refined: optional {@link DatabaseAugmentation} (the index side) and optional
 * {@link QueryExpansion} (the query side, expanded with augmented vectors when both are on, as in Radenović et
 * al.). {@link #NONE} is the plain search. Immutable.
 *
 * @param expansion    query expansion, or null
 * @param augmentation database-side augmentation, or null
 */
public record SearchRefinement(QueryExpansion expansion, DatabaseAugmentation augmentation) {

    /** The plain search. */
    public static final SearchRefinement NONE = new SearchRefinement(null, null);

    /** Whether this is the plain search (neither part set). */
    public boolean isNone() {
        return expansion == null && augmentation == null;
    }

    /** {@code plain}, or the parts' names joined by {@code +}, e.g. {@code qe5:a3+dba10:a3}. */
    public String name() {
        if (isNone()) {
            return "plain";
        }
        return expansion == null ? augmentation.name()
                : augmentation == null ? expansion.name() : expansion.name() + "+" + augmentation.name();
    }

    /**
     * The top {@code k} for {@code query}.
     *
     * @param vectors    indexed images' stored vectors by id, many at once (ids without one left out)
     * @param search     the plain search: (vector, k) → results best first
     * @param neighbours the plain search at the id level for several vectors at once (a store's batch search); used
     *                   by database augmentation only
     * @param excluded   ids never returned nor used as neighbours (e.g. the query itself, in a leave-one-out
     *                   evaluation)
     */
    public List<Match> search(float[] query, int k, Function<Collection<Long>, Map<Long, float[]>> vectors,
                              BiFunction<float[], Integer, List<Match>> search,
                              BiFunction<List<float[]>, Integer, List<List<ScoredId>>> neighbours, Set<Long> excluded) {
        BiFunction<float[], Integer, List<Match>> s = excluded.isEmpty() ? search : (v, n) -> {
            List<Match> out = new ArrayList<>(search.apply(v, n + excluded.size()));
            out.removeIf(m -> excluded.contains(m.id()));
            return out.size() > n ? out.subList(0, n) : out;
        };
        LongFunction<Optional<float[]>> vs = null;
        if (augmentation != null) {
            BiFunction<List<float[]>, Integer, List<List<ScoredId>>> nb = excluded.isEmpty() ? neighbours
                    : (qs, n) -> neighbours.apply(qs, n + excluded.size()).stream().map(l -> l.stream()
                            .filter(x -> !excluded.contains(x.id())).limit(n).toList()).toList();
            DatabaseAugmentation.Session session = augmentation.session(vectors, s, nb);
            s = session::search;
            vs = session::vector;
        }
        if (expansion == null) {
            return s.apply(query, k);
        }
        List<Match> first = s.apply(query, Math.max(k, expansion.neighbours()));
        if (first.isEmpty()) {
            return first;
        }
        if (vs == null) { // the top n's stored vectors in one read; read again only ids beyond them
            List<Long> asked = first.stream().limit(expansion.neighbours()).map(Match::id).toList();
            Map<Long, float[]> top = vectors.apply(asked);
            vs = id -> Optional.ofNullable(asked.contains(id) ? top.get(id) : vectors.apply(List.of(id)).get(id));
        }
        return expansion.search(query, first, vs, s, k);
    }

    /**
     * {@link #search} for a model's collection of an index, searched through {@code search}.
     *
     * @throws IllegalArgumentException when a refinement meets a collection whose metric is a distance (L2): both
     *                                  sum and compare vectors as similarities
     */
    public List<Match> search(float[] query, int k, IndexedModel model, SimilaritySearch search, Set<Long> excluded) {
        VectorCollection c = model.collection();
        if (!isNone() && !c.spec().metric().higherIsBetter()) {
            throw new IllegalArgumentException(name() + " needs a similarity metric (COSINE or IP); model "
                    + model.name() + " uses " + c.spec().metric());
        }
        return search(query, k, c::vectors, (v, n) -> search.similar(model, v, n), c::searchBatch, excluded);
    }
}
