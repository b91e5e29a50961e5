package dev.imagesearch.query;

import dev.imagesearch.search.Match;
import dev.imagesearch.store.ScoredId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Database-side augmentation (α-DBA; Arandjelović and Zisserman 2012, α-weighted as in Radenović et al., TPAMI 2018):
 * every indexed vector is replaced by the weighted sum of itself and its top {@code n} neighbours in the index,
 * <pre>  d' = normalise(d + Σ_{i ≤ n} w_i · d_i),   w_i = max(0, s_i)^α</pre>
 * so that images of one kind pull together. Done at search time, nothing stored: the first {@link #depth()} results
 * of the plain search are re-ranked by the similarity of their augmented vectors to the query, the candidates'
 * neighbours found in one batch search (cached for the query). Re-ranking the top 50 gave the same results as
 * augmenting the whole index on the evaluation sets (docs/EVALUATION.md); it costs a batch search of up to
 * {@code depth} vectors and two batch reads of stored vectors (the candidates', then their neighbours') per query,
 * and scores become similarities to augmented vectors. Immutable.
 *
 * <p>Only for similarity metrics (cosine, inner product) on L2-normalised vectors, like {@link QueryExpansion}.
 */
public final class DatabaseAugmentation {

    /** Results of the plain search that are re-ranked unless {@link #withDepth} says otherwise. */
    public static final int DEFAULT_DEPTH = 50;

    private final QueryExpansion weighting; // the same weighted sum as query expansion, applied to an indexed vector
    private final int depth;

    private DatabaseAugmentation(QueryExpansion weighting, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("database augmentation depth must be >= 1, was " + depth);
        }
        this.weighting = weighting;
        this.depth = depth;
    }

    /** Every neighbour of the top {@code n} counts once. */
    public static DatabaseAugmentation average(int n) {
        return new DatabaseAugmentation(weighting(() -> QueryExpansion.average(n)), DEFAULT_DEPTH);
    }

    /** α-weighted over the top {@code n}. */
    public static DatabaseAugmentation alpha(int n, double alpha) {
        return new DatabaseAugmentation(weighting(() -> QueryExpansion.alpha(n, alpha)), DEFAULT_DEPTH);
    }

    /**
     * Parses {@code N} (average over the top N) or {@code N:ALPHA} (α-weighted).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static DatabaseAugmentation parse(String spec) {
        return new DatabaseAugmentation(weighting(() -> QueryExpansion.parse(spec)), DEFAULT_DEPTH);
    }

    /** The weighted sum's parameters, checked as query expansion checks them, in this class's words. */
    private static QueryExpansion weighting(Supplier<QueryExpansion> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("query expansion", "database augmentation"), e);
        }
    }

    /** The same augmentation re-ranking the first {@code depth} results of the plain search. */
    public DatabaseAugmentation withDepth(int depth) {
        return new DatabaseAugmentation(weighting, depth);
    }

    public int neighbours() {
        return weighting.neighbours();
    }

    public double alpha() {
        return weighting.alpha();
    }

    public int depth() {
        return depth;
    }

    /** {@code dba10} (average) or {@code dba10:a3} (α-weighted). */
    public String name() {
        return "dba" + weighting.name().substring("qe".length());
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * A search over the augmented index for one query (or a few of one caller): augmented vectors are computed once
     * and kept until it is dropped.
     *
     * @param vectors    indexed images' stored vectors by id, many at once (a store's
     *                   {@link dev.imagesearch.store.VectorCollection#vectors batch read}); an id left out keeps
     *                   its plain score, or is skipped as a neighbour
     * @param search     the plain search: (vector, k) → results best first, without anything the caller excludes
     * @param neighbours the plain search at the id level, several vectors at once (a store's batch search): one list
     *                   per vector, best first, without anything the caller excludes
     */
    public Session session(Function<Collection<Long>, Map<Long, float[]>> vectors,
                           BiFunction<float[], Integer, List<Match>> search,
                           BiFunction<List<float[]>, Integer, List<List<ScoredId>>> neighbours) {
        return new Session(vectors, search, neighbours);
    }

    /** See {@link #session}. Not thread-safe. */
    public final class Session {

        private final Function<Collection<Long>, Map<Long, float[]>> vectors;
        private final BiFunction<float[], Integer, List<Match>> search;
        private final BiFunction<List<float[]>, Integer, List<List<ScoredId>>> neighbourSearch;
        private final Map<Long, Optional<float[]>> augmented = new HashMap<>();
        // stored vectors read once per session, in two batch reads per augment (candidates, then neighbours): the
        // candidates of one query share most of their neighbours, and a remote store pays per request
        private final Map<Long, Optional<float[]>> stored = new HashMap<>();

        private Session(Function<Collection<Long>, Map<Long, float[]>> vectors,
                        BiFunction<float[], Integer, List<Match>> search,
                        BiFunction<List<float[]>, Integer, List<List<ScoredId>>> neighbourSearch) {
            this.vectors = vectors;
            this.search = search;
            this.neighbourSearch = neighbourSearch;
        }

        /** The augmented vector of an indexed image (empty when it has no stored vector). */
        public Optional<float[]> vector(long id) {
            augment(List.of(id));
            return augmented.get(id);
        }

        /** Reads the stored vectors of the ids not read yet, in one batch. */
        private void read(Collection<Long> ids) {
            Set<Long> unread = new LinkedHashSet<>();
            for (long id : ids) {
                if (!stored.containsKey(id)) {
                    unread.add(id);
                }
            }
            if (!unread.isEmpty()) {
                Map<Long, float[]> got = vectors.apply(unread);
                for (long id : unread) {
                    stored.put(id, Optional.ofNullable(got.get(id)));
                }
            }
        }

        /** Augments the images not seen yet, their neighbours found in one batch search. */
        private void augment(List<Long> ids) {
            read(ids.stream().filter(id -> !augmented.containsKey(id)).toList());
            Map<Long, float[]> todo = new LinkedHashMap<>();
            for (long id : ids) {
                if (!augmented.containsKey(id) && !todo.containsKey(id)) {
                    Optional<float[]> v = stored.get(id);
                    if (v.isPresent()) {
                        todo.put(id, v.get());
                    } else {
                        augmented.put(id, Optional.empty());
                    }
                }
            }
            if (todo.isEmpty()) {
                return;
            }
            List<float[]> queries = new ArrayList<>(todo.values());
            List<List<ScoredId>> found = neighbourSearch.apply(queries, neighbours() + 1);
            read(found.stream().flatMap(List::stream).map(ScoredId::id).toList());
            int i = 0;
            for (Map.Entry<Long, float[]> e : todo.entrySet()) {
                List<float[]> vs = new ArrayList<>();
                List<Float> ss = new ArrayList<>();
                for (ScoredId n : found.get(i++)) {
                    if (vs.size() == neighbours()) {
                        break;
                    }
                    if (n.id() == e.getKey()) {
                        continue; // itself
                    }
                    Optional<float[]> nv = stored.get(n.id());
                    if (nv.isPresent()) {
                        vs.add(nv.get());
                        ss.add(n.score());
                    }
                }
                augmented.put(e.getKey(), Optional.of(weighting.expand(e.getValue(), vs, ss)));
            }
        }

        /**
         * The top {@code k} of the augmented index: the plain search's first {@code max(k, depth)} results
         * re-ranked by their augmented vectors' similarity to {@code query} (ties keep the plain order), ranks and
         * scores renewed.
         */
        public List<Match> search(float[] query, int k) {
            List<Match> plain = search.apply(query, Math.max(k, depth));
            augment(plain.stream().map(Match::id).toList());
            List<Match> rescored = new ArrayList<>(plain.size());
            for (Match m : plain) {
                float s = augmented.get(m.id()).map(a -> dot(query, a)).orElse(m.score());
                rescored.add(new Match(0, m.id(), m.location(), m.locations(), s, m.contentHash()));
            }
            rescored.sort(Comparator.comparingDouble(Match::score).reversed()); // stable: ties keep the plain order
            List<Match> out = new ArrayList<>(Math.min(k, rescored.size()));
            for (Match m : rescored.subList(0, Math.min(k, rescored.size()))) {
                out.add(new Match(out.size() + 1, m.id(), m.location(), m.locations(), m.score(), m.contentHash()));
            }
            return out;
        }
    }

    private static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("the query has " + a.length + " elements, an indexed vector "
                    + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return (float) s;
    }
}
