package dev.imagesearch.eval;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.duplicates.DuplicateFinder;
import dev.imagesearch.fusion.FusedMatch;
import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.fusion.ModelResults;
import dev.imagesearch.idmap.ImageRecord;
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

/**
 * Near-duplicate retrieval: transformed copies of indexed originals (crops, rotations, recompression, ...) are
 * the queries, each with one right answer, its original. Reports recall@1, recall@5 and MRR per model and per
 * fusion, overall and per transform. Distractor queries (photos with no original in the index) measure how well
 * each model's duplicate threshold rejects what is not a copy.
 *
 * <p>Two indexes with the same models: {@code originals} (searched) and {@code queries} (the query files, indexed
 * only so their vectors are computed once and cached); nothing is embedded here.
 */
public final class NearDuplicateEvaluation {

    public static final String R1 = "recall@1";
    public static final String R5 = "recall@5";
    public static final String MRR = "MRR";
    /**
     * Micro average precision over the top-1 of every query, distractors included
     * ({@link RetrievalMetrics#microAveragePrecision}): whether one threshold on the score separates right top-1s
     * from wrong ones and from distractors.
     */
    public static final String UAP = "uAP";

    /**
     * One query.
     *
     * @param file      the query image (indexed in the queries index)
     * @param original  the original it was made from (indexed in the originals index), or null for a distractor
     * @param transform what was done to it ({@code crop}, {@code jpeg+rot}, ...; {@code distractor})
     */
    public record Query(Path file, Path original, String transform) {
        public Query {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(transform, "transform");
        }

        public boolean distractor() {
            return original == null;
        }
    }

    /**
     * How one model's duplicate threshold separates copies from distractors.
     *
     * @param model              the model
     * @param threshold          the threshold evaluated (the given one, else the model's default)
     * @param accepted           share of copy queries whose top-1 is their original AND scores past the threshold
     * @param rejected           share of distractors whose top-1 scores below the threshold (1 is perfect)
     * @param lowestTrueTop1     lowest score of a correct top-1 (NaN if none)
     * @param highestDistractor  highest top-1 score of a distractor (NaN if none)
     * @param suggested          the threshold that maximises (accepted + rejected) / 2 on these queries: the
     *                           midpoint of the widest such gap between the measured scores
     */
    public record ThresholdStats(String model, double threshold, double accepted, double rejected,
                                 double lowestTrueTop1, double highestDistractor, double suggested) {
    }

    /**
     * The outcome.
     *
     * @param originals    images in the originals index
     * @param queries      copy queries evaluated
     * @param distractors  distractor queries evaluated
     * @param methods      each model, then each fusion: recall@1, recall@5, MRR over the copy queries
     * @param perTransform transform → method → recall@1
     * @param thresholds   per model
     * @param skipped      queries left out, with why (not indexed, original not indexed, a model failed)
     */
    public record Report(long originals, int queries, int distractors, List<MethodScores> methods,
                         Map<String, Map<String, Double>> perTransform, List<ThresholdStats> thresholds,
                         List<String> skipped) {
        public Report {
            methods = List.copyOf(methods);
            thresholds = List.copyOf(thresholds);
            skipped = List.copyOf(skipped);
        }

        public MethodScores method(String name) {
            return methods.stream().filter(m -> m.method().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No method '" + name + "'"));
        }
    }

    private final ImageSearch originals;
    private final ImageSearch queryIndex;
    private final List<Query> queries;
    private final List<Fusion> fusions;
    private final Map<String, Double> thresholds;
    private final List<List<String>> subsets;
    private final SearchRefinement refinement;

    private NearDuplicateEvaluation(Builder b) {
        for (IndexedModel m : b.originals.models()) {
            // the threshold statistics count "score >= t" as accepted: a similarity metric is required
            if (!m.collection().spec().metric().higherIsBetter()) {
                throw new IllegalArgumentException("The near-duplicate evaluation needs a similarity metric (COSINE "
                        + "or IP); model " + m.name() + " uses " + m.collection().spec().metric());
            }
        }
        this.originals = b.originals;
        this.queryIndex = b.queryIndex;
        this.queries = List.copyOf(b.queries);
        this.fusions = originals.models().size() < 2 ? List.of()
                : Subsets.withPriors(b.fusions, originals.models());
        this.subsets = Subsets.of(originals.models().stream().map(IndexedModel::name).toList(),
                b.subsetSizes);
        this.refinement = b.refinement;
        this.thresholds = Map.copyOf(b.thresholds);
    }

    public static Builder builder(ImageSearch originals, ImageSearch queryIndex, List<Query> queries) {
        return new Builder(originals, queryIndex, queries);
    }

    public Report run() {
        MeanAccumulator all = new MeanAccumulator();
        originals.models().forEach(m -> all.declare(m.name(), false));
        fusions.forEach(f -> all.declare(f.name(), true));
        subsets.forEach(sub -> fusions.forEach(f -> all.declare(Subsets.name(f, sub), true)));
        Map<String, List<double[]>> top1 = new LinkedHashMap<>(); // method → {score, 1 if right} per query
        Map<String, MeanAccumulator> byTransform = new LinkedHashMap<>();
        Map<String, List<Double>> trueTop1 = new HashMap<>();
        Map<String, List<Double>> positiveTop1 = new HashMap<>(); // top-1 score of every copy query, right or not
        Map<String, List<Boolean>> positiveRight = new HashMap<>();
        Map<String, List<Double>> distractorTop1 = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        int copies = 0;
        int distractors = 0;
        int depth = Math.max(5, fusions.stream().mapToInt(f -> f.depth(5)).max().orElse(5));
        for (Query q : queries) {
            Optional<ImageRecord> rec = queryIndex.idMapper().lookup(ImageSearch.locationOf(q.file()));
            if (rec.isEmpty()) {
                skipped.add(q.file() + ": not in the queries index");
                continue;
            }
            long target = -1;
            if (!q.distractor()) {
                Optional<ImageRecord> orig = originals.idMapper().lookup(ImageSearch.locationOf(q.original()));
                if (orig.isEmpty()) {
                    skipped.add(q.file() + ": its original " + q.original() + " is not in the originals index");
                    continue;
                }
                target = orig.get().id();
            }
            List<ModelResults> lists = new ArrayList<>();
            for (IndexedModel m : originals.models()) {
                Optional<float[]> v = queryIndex.model(m.name()).collection().vector(rec.get().id());
                if (v.isEmpty()) {
                    break;
                }
                List<Match> hits = refinement.search(v.get(), depth, m, originals, Set.of());
                lists.add(new ModelResults(m.name(), m.collection().spec().metric(), hits));
            }
            if (lists.size() < originals.models().size()) {
                skipped.add(q.file() + ": a model has no vector for it (see the index report)");
                continue;
            }
            for (ModelResults r : lists) {
                addTop1(top1, r.model(), r.matches().isEmpty() ? null : r.matches().get(0).score(),
                        !r.matches().isEmpty() && r.matches().get(0).id() == target);
            }
            for (Fusion f : fusions) {
                addTop1(top1, f.name(), f.fuse(lists, 1), target);
                for (List<String> sub : subsets) {
                    addTop1(top1, Subsets.name(f, sub), f.fuse(Subsets.select(lists, sub), 1), target);
                }
            }
            if (q.distractor()) {
                distractors++;
                for (ModelResults r : lists) {
                    if (!r.matches().isEmpty()) {
                        distractorTop1.computeIfAbsent(r.model(), x -> new ArrayList<>())
                                .add((double) r.matches().get(0).score());
                    }
                }
                continue;
            }
            copies++;
            MeanAccumulator tr = byTransform.computeIfAbsent(q.transform(), x -> new MeanAccumulator());
            for (ModelResults r : lists) {
                int rank = rankOf(r.matches().stream().map(Match::id).toList(), target);
                Map<String, Double> m = metrics(rank);
                all.add(r.model(), false, m);
                tr.add(r.model(), false, m);
                if (!r.matches().isEmpty()) {
                    double s = r.matches().get(0).score();
                    positiveTop1.computeIfAbsent(r.model(), x -> new ArrayList<>()).add(s);
                    positiveRight.computeIfAbsent(r.model(), x -> new ArrayList<>()).add(rank == 1);
                    if (rank == 1) {
                        trueTop1.computeIfAbsent(r.model(), x -> new ArrayList<>()).add(s);
                    }
                }
            }
            for (Fusion f : fusions) {
                List<FusedMatch> fused = f.fuse(lists, depth);
                Map<String, Double> m = metrics(rankOf(fused.stream().map(FusedMatch::id).toList(), target));
                all.add(f.name(), true, m);
                tr.add(f.name(), true, m);
                for (List<String> sub : subsets) {
                    List<FusedMatch> part = f.fuse(Subsets.select(lists, sub), depth);
                    all.add(Subsets.name(f, sub), true,
                            metrics(rankOf(part.stream().map(FusedMatch::id).toList(), target)));
                }
            }
        }
        Map<String, Map<String, Double>> perTransform = new LinkedHashMap<>();
        byTransform.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Double> r1 = new LinkedHashMap<>();
            e.getValue().means().forEach(s -> r1.put(s.method(), s.get(R1)));
            perTransform.put(e.getKey(), r1);
        });
        List<ThresholdStats> stats = new ArrayList<>();
        for (IndexedModel m : originals.models()) {
            double t = thresholds.getOrDefault(m.name(), DuplicateFinder.defaultThreshold(m));
            stats.add(thresholdStats(m.name(), t, positiveTop1.getOrDefault(m.name(), List.of()),
                    positiveRight.getOrDefault(m.name(), List.of()), trueTop1.getOrDefault(m.name(), List.of()),
                    distractorTop1.getOrDefault(m.name(), List.of()), copies));
        }
        List<MethodScores> methods = new ArrayList<>();
        for (MethodScores ms : all.means()) {
            Map<String, Double> m = new LinkedHashMap<>(ms.metrics());
            m.put(UAP, uap(top1.getOrDefault(ms.method(), List.of()), copies));
            methods.add(new MethodScores(ms.method(), ms.fused(), ms.queries(), m));
        }
        return new Report(originals.count(), copies, distractors, methods, perTransform, stats, skipped);
    }

    private static void addTop1(Map<String, List<double[]>> top1, String method, Float score, boolean right) {
        if (score != null) {
            top1.computeIfAbsent(method, x -> new ArrayList<>()).add(new double[] {score, right ? 1 : 0});
        }
    }

    private static void addTop1(Map<String, List<double[]>> top1, String method, List<FusedMatch> fused,
                                long target) {
        if (!fused.isEmpty()) {
            top1.computeIfAbsent(method, x -> new ArrayList<>())
                    .add(new double[] {fused.get(0).score(), fused.get(0).id() == target ? 1 : 0});
        }
    }

    private static double uap(List<double[]> predictions, int copies) {
        double[] scores = new double[predictions.size()];
        boolean[] right = new boolean[predictions.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = predictions.get(i)[0];
            right[i] = predictions.get(i)[1] == 1;
        }
        return RetrievalMetrics.microAveragePrecision(scores, right, copies);
    }

    static ThresholdStats thresholdStats(String model, double t, List<Double> top1, List<Boolean> right,
                                         List<Double> trueTop1, List<Double> distractors, int copies) {
        double accepted = copies == 0 ? Double.NaN : accepted(top1, right, t) / copies;
        double rejected = distractors.isEmpty() ? Double.NaN
                : distractors.stream().filter(s -> s < t).count() / (double) distractors.size();
        // candidate thresholds: every measured score, and the midpoints between neighbours
        List<Double> points = new ArrayList<>(top1);
        points.addAll(distractors);
        points.sort(null);
        double best = Double.NaN;
        double bestValue = -1;
        double bestGap = -1;
        for (int i = 0; i + 1 < points.size(); i++) {
            double c = (points.get(i) + points.get(i + 1)) / 2;
            double acc = copies == 0 ? 0 : accepted(top1, right, c) / copies;
            double rej = distractors.isEmpty() ? 0
                    : distractors.stream().filter(s -> s < c).count() / (double) distractors.size();
            double value = (acc + rej) / 2;
            double gap = points.get(i + 1) - points.get(i);
            if (value > bestValue + 1e-12 || (Math.abs(value - bestValue) <= 1e-12 && gap > bestGap)) {
                bestValue = value;
                bestGap = gap;
                best = c;
            }
        }
        return new ThresholdStats(model, t, accepted, rejected,
                trueTop1.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                distractors.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), best);
    }

    private static double accepted(List<Double> top1, List<Boolean> right, double t) {
        int n = 0;
        for (int i = 0; i < top1.size(); i++) {
            if (right.get(i) && top1.get(i) >= t) {
                n++;
            }
        }
        return n;
    }

    private static int rankOf(List<Long> ids, long target) {
        int i = ids.indexOf(target);
        return i < 0 ? 0 : i + 1;
    }

    private static Map<String, Double> metrics(int rank) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(R1, RetrievalMetrics.recallAt(rank, 1));
        m.put(R5, RetrievalMetrics.recallAt(rank, 5));
        m.put(MRR, RetrievalMetrics.reciprocalRank(rank));
        return m;
    }

    /** Builds a {@link NearDuplicateEvaluation}. */
    public static final class Builder {
        private final ImageSearch originals;
        private final ImageSearch queryIndex;
        private final List<Query> queries;
        private List<Fusion> fusions = List.of(Fusion.rrf(), Fusion.weighted(),
                Fusion.builder(Fusion.Method.WEIGHTED).normalization(Fusion.Normalization.Z_SCORE).build());
        private final Map<String, Double> thresholds = new HashMap<>();
        private List<Integer> subsetSizes = List.of();
        private SearchRefinement refinement = SearchRefinement.NONE;

        private Builder(ImageSearch originals, ImageSearch queryIndex, List<Query> queries) {
            this.originals = Objects.requireNonNull(originals, "originals");
            this.queryIndex = Objects.requireNonNull(queryIndex, "queryIndex");
            this.queries = List.copyOf(queries);
        }

        /** Fusions to evaluate (ignored with one model). Default: rrf, minmax, zscore. */
        public Builder fusions(List<Fusion> fusions) {
            this.fusions = List.copyOf(fusions);
            return this;
        }

        /** The duplicate threshold to evaluate for a model. Default: {@link DuplicateFinder#defaultThreshold}. */
        public Builder threshold(String model, double threshold) {
            thresholds.put(model, threshold);
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

        public NearDuplicateEvaluation build() {
            return new NearDuplicateEvaluation(this);
        }
    }
}
