package dev.imagesearch.eval;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.fusion.FusedMatch;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.ModelResults;
import dev.imagesearch.query.SearchRefinement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Class-level retrieval on a folder of labelled photos: an image's label is its parent folder (relative to the
 * root). Every indexed image of the folder is a query (leave-one-out: the query itself is removed from its
 * results); a result is relevant when it has the query's label. Reports, per model and per fusion, the means of
 * mAP@k ({@link RetrievalMetrics#averagePrecisionAt}), precision@1 and precision@k.
 *
 * <p>Queries use the vectors stored in each model's collection, so the folder must be indexed with every model
 * first (see {@link ImageSearch#indexDirectory}); nothing is embedded here.
 */
public final class LabelledEvaluation {

    /** Metric names, in report order. */
    public static final String MAP = "mAP@k";
    public static final String P1 = "P@1";
    public static final String PK = "P@k";

    private final ImageSearch search;
    private final Path root;
    private final int k;
    private final List<Fusion> fusions;
    private final List<List<String>> subsets;
    private final SearchRefinement refinement;

    private LabelledEvaluation(Builder b) {
        this.search = b.search;
        this.root = b.root.toAbsolutePath().normalize();
        this.k = b.k;
        this.fusions = Subsets.withPriors(b.fusions, search.models());
        this.subsets = Subsets.of(search.models().stream().map(IndexedModel::name).toList(), b.subsetSizes);
        this.refinement = b.refinement;
    }

    public static Builder builder(ImageSearch search, Path root) {
        return new Builder(search, root);
    }

    /**
     * The outcome.
     *
     * @param root        the labelled folder
     * @param images      distinct indexed images of the folder (the queries)
     * @param labels      distinct labels
     * @param k           the cut-off of mAP@k and P@k
     * @param methods     each model, then each fusion
     * @param missing     per model: queries it had no vector for (a partial index failure), skipped for it and
     *                    for the fusions
     * @param notIndexed  image files of the folder that are not in the index
     */
    public record Report(Path root, int images, int labels, int k, List<MethodScores> methods,
                         Map<String, Integer> missing, int notIndexed) {
        public Report {
            methods = List.copyOf(methods);
            missing = Map.copyOf(missing);
        }

        /** The scores of one method. */
        public MethodScores method(String name) {
            return methods.stream().filter(m -> m.method().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No method '" + name + "'"));
        }
    }

    /** Runs every query. */
    public Report run() {
        Map<String, String> labelOf = new HashMap<>();
        Map<Long, String> queries = new LinkedHashMap<>();
        int notIndexed = 0;
        try (Stream<Path> files = ImageSearch.listImages(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String location = ImageSearch.locationOf(f);
                String label = root.relativize(f.toAbsolutePath().normalize().getParent()).toString();
                labelOf.put(location, label);
                var rec = search.idMapper().lookup(location);
                if (rec.isEmpty()) {
                    notIndexed++;
                } else {
                    queries.putIfAbsent(rec.get().id(), label); // identical bytes twice: the first label counts
                }
            }
        }
        Map<String, Integer> perLabel = new HashMap<>();
        queries.values().forEach(l -> perLabel.merge(l, 1, Integer::sum));

        MeanAccumulator acc = new MeanAccumulator();
        search.models().forEach(m -> acc.declare(m.name(), false));
        fusions.forEach(f -> acc.declare(f.name(), true));
        subsets.forEach(sub -> fusions.forEach(f -> acc.declare(Subsets.name(f, sub), true)));
        Map<String, Integer> missing = new LinkedHashMap<>();
        int depth = fusions.stream().mapToInt(f -> f.depth(k)).max().orElse(k);
        for (Map.Entry<Long, String> q : queries.entrySet()) {
            long id = q.getKey();
            String label = q.getValue();
            int relevantTotal = perLabel.get(label) - 1;
            List<ModelResults> lists = new ArrayList<>();
            for (IndexedModel m : search.models()) {
                Optional<float[]> v = m.collection().vector(id);
                if (v.isEmpty()) {
                    missing.merge(m.name(), 1, Integer::sum);
                    continue;
                }
                List<Match> hits = refinement.search(v.get(), depth, m, search, Set.of(id)); // never the query
                ModelResults r = new ModelResults(m.name(), m.collection().spec().metric(), hits);
                lists.add(r);
                acc.add(m.name(), false, metrics(relevance(r.top(k).stream().map(Match::location).toList(),
                        labelOf, label), relevantTotal));
            }
            if (lists.size() < search.models().size()) {
                continue; // fusions are compared on the queries every model answered
            }
            for (Fusion f : fusions) {
                List<FusedMatch> fused = f.fuse(lists, k);
                acc.add(f.name(), true, metrics(relevance(fused.stream().map(FusedMatch::location).toList(),
                        labelOf, label), relevantTotal));
                for (List<String> sub : subsets) {
                    List<FusedMatch> part = f.fuse(Subsets.select(lists, sub), k);
                    acc.add(Subsets.name(f, sub), true, metrics(relevance(part.stream().map(FusedMatch::location)
                            .toList(), labelOf, label), relevantTotal));
                }
            }
        }
        return new Report(root, queries.size(), perLabel.size(), k, acc.means(), missing, notIndexed);
    }

    private static boolean[] relevance(List<String> locations, Map<String, String> labelOf, String label) {
        boolean[] rel = new boolean[locations.size()];
        for (int i = 0; i < rel.length; i++) {
            rel[i] = label.equals(labelOf.get(locations.get(i)));
        }
        return rel;
    }

    private Map<String, Double> metrics(boolean[] rel, int relevantTotal) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MAP, RetrievalMetrics.averagePrecisionAt(rel, relevantTotal, k));
        m.put(P1, RetrievalMetrics.precisionAt(rel, 1));
        m.put(PK, RetrievalMetrics.precisionAt(rel, k));
        return m;
    }

    /** Builds a {@link LabelledEvaluation}. */
    public static final class Builder {
        private final ImageSearch search;
        private final Path root;
        private int k = 10;
        private List<Fusion> fusions = List.of(Fusion.rrf(), Fusion.weighted(),
                Fusion.builder(Fusion.Method.WEIGHTED).normalization(Fusion.Normalization.Z_SCORE).build());
        private List<Integer> subsetSizes = List.of();
        private SearchRefinement refinement = SearchRefinement.NONE;

        private Builder(ImageSearch search, Path root) {
            this.search = Objects.requireNonNull(search, "search");
            this.root = Objects.requireNonNull(root, "root");
        }

        /** Cut-off of mAP@k and P@k, &gt;= 1. Default 10. */
        public Builder k(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, was " + k);
            }
            this.k = k;
            return this;
        }

        /**
         * Fusions to evaluate (only meaningful with 2+ models; ignored with one). Default: rrf, minmax, zscore
         * with the default weights. A fusion without priors gets those of the index's models.
         */
        public Builder fusions(List<Fusion> fusions) {
            this.fusions = List.copyOf(fusions);
            return this;
        }

        /**
         * Also evaluate every fusion over every subset of the models of these sizes (each smaller than the number of
         * models), reported as {@code "<fusion> <model>+<model>..."}. Default: none.
         */
        public Builder subsetSizes(List<Integer> sizes) {
            this.subsetSizes = List.copyOf(sizes);
            return this;
        }

        /**
         * Query expansion and/or database-side augmentation for every model's search (then fused). Default:
         * {@link SearchRefinement#NONE}.
         */
        public Builder refinement(SearchRefinement refinement) {
            this.refinement = Objects.requireNonNull(refinement, "refinement");
            return this;
        }

        public LabelledEvaluation build() {
            if (search.models().size() < 2) {
                fusions = List.of();
            }
            return new LabelledEvaluation(this);
        }
    }
}
