package dev.imagesearch.fusion;

import dev.imagesearch.store.SearchArguments;
import dev.imagesearch.search.Match;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Combines several models' result lists for one query into one ranking. Immutable; thread-safe.
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@link Method#RRF reciprocal rank fusion}: {@code score(d) = Σ_m w_m / (rrfK + rank_m(d))} over the models
 *       whose candidate list holds {@code d}. It uses ranks only, so the models' scores need not be comparable.
 *       {@code rrfK} defaults to {@value #DEFAULT_RRF_K} (the constant of Cormack et al., SIGIR 2009): it damps
 *       the weight of the very first ranks, so one model's top-1 does not outvote agreement further down.</li>
 *   <li>{@link Method#WEIGHTED weighted score fusion}: {@code score(d) = Σ_m w_m · n_m(d) / Σ_m w_m}, where
 *       {@code n_m} makes model {@code m}'s raw scores comparable across models (cosine similarities of two
 *       models live on different scales: one model's 0.6 can be another's 0.9):
 *       <ul>
 *         <li>{@link Normalization#MIN_MAX}: over that model's candidate list, best score → 1, worst → 0
 *             (all 1 when they are equal); an image missing from the list gets 0.</li>
 *         <li>{@link Normalization#Z_SCORE}: {@code (s − mean) / stddev} over the candidate list (0 when the
 *             stddev is 0); an image missing from the list gets the lowest value of that list.</li>
 *       </ul>
 *       For a lower-is-better metric (L2) the sign is flipped first, so a higher normalised score is always
 *       closer.</li>
 * </ul>
 * <h2>Weights</h2>
 * Weights set with {@link Builder#weight} are used as given (a model not named weighs 1). Without any, the weights
 * come from the models' quality priors ({@link QualityPriors}: {@code w = (q / q_best)^γ}, γ =
 * {@link Builder#priorExponent}, default {@value #DEFAULT_PRIOR_EXPONENT}), attached with {@link #withPriors} —
 * {@link MultiModelSearch} and the evaluations attach the priors of the index's models — and every model weighs 1
 * when a fused model has no prior. A model of weight 0 is left out: it adds no candidates and breaks no ties (its ranks
 * of the others' candidates are still reported), and when one model is left, the fused list is its list with its own
 * scores. Every model contributes its top {@link #candidates()} results (default
 * {@value #DEFAULT_CANDIDATES}, and never fewer than {@code k}): an image outside one model's candidates is
 * treated as not returned by it. Ties are broken by the best single-model rank, then by id, so the order is
 * deterministic.
 */
public final class Fusion {

    /** How per-model lists are combined. */
    public enum Method { RRF, WEIGHTED }

    /** How a model's raw scores are made comparable for {@link Method#WEIGHTED}. */
    public enum Normalization { MIN_MAX, Z_SCORE }

    /** Default RRF constant. */
    public static final int DEFAULT_RRF_K = 60;

    /** Default number of candidates taken from each model. */
    public static final int DEFAULT_CANDIDATES = 50;

    /**
     * Default γ of the prior rule {@code w = (q / q_best)^γ}: chosen from the measurements of every pair and triple
     * of the provisioned models in docs/EVALUATION.md.
     */
    public static final double DEFAULT_PRIOR_EXPONENT = 3;

    private final Method method;
    private final int rrfK;
    private final Normalization normalization;
    private final Map<String, Double> weights;
    private final int candidates;
    private final double priorExponent;
    private final Map<String, Double> priors;
    private final Map<String, String> variants;
    private final Builder source; // a private copy, to rebuild with other priors

    private Fusion(Builder b, Map<String, Double> priors, Map<String, String> variants) {
        this.method = b.method;
        this.rrfK = b.rrfK;
        this.normalization = b.normalization;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(b.weights));
        this.candidates = b.candidates;
        this.priorExponent = b.priorExponent;
        this.priors = Collections.unmodifiableMap(new LinkedHashMap<>(priors));
        this.variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        this.source = b;
    }

    /**
     * This fusion with the models' quality priors (model name → mAP@10, see {@link QualityPriors}), which give the
     * weights when none were set explicitly, and no variants. Replaces any priors and variants attached before.
     */
    public Fusion withPriors(Map<String, Double> priors) {
        return withPriors(priors, Map.of());
    }

    /**
     * This fusion with the models' quality priors and which models are variants of which ({@link
     * QualityPriors#variants}: of a model and its variants fused together, only the best prior keeps its weight).
     * Replaces any priors and variants attached before.
     */
    public Fusion withPriors(Map<String, Double> priors, Map<String, String> variants) {
        return new Fusion(source, Objects.requireNonNull(priors, "priors"), Objects.requireNonNull(variants,
                "variants"));
    }

    /** The quality priors attached by {@link #withPriors} (empty by default). */
    public Map<String, Double> priors() {
        return priors;
    }

    /** Model name → the base model it is a variant of ({@link #withPriors(Map, Map)}); empty by default. */
    public Map<String, String> variants() {
        return variants;
    }

    /** γ of the prior rule; 0 means equal weights. */
    public double priorExponent() {
        return priorExponent;
    }

    /**
     * The weight each of {@code models} gets when they are fused together: the explicit weights if any were set
     * (others 1), else the priors' rule, else 1.
     */
    public Map<String, Double> effectiveWeights(List<String> models) {
        if (!weights.isEmpty() || priorExponent == 0) {
            Map<String, Double> out = new LinkedHashMap<>();
            models.forEach(m -> out.put(m, weights.getOrDefault(m, 1.0)));
            return out;
        }
        return QualityPriors.weights(priors, variants, models, priorExponent);
    }

    /** Reciprocal rank fusion with every default (k = 60, equal weights). */
    public static Fusion rrf() {
        return builder(Method.RRF).build();
    }

    /** Weighted score fusion with min-max normalisation and equal weights. */
    public static Fusion weighted() {
        return builder(Method.WEIGHTED).build();
    }

    public static Builder builder(Method method) {
        return new Builder(method);
    }

    /**
     * Parses a fusion name as the CLI writes it: {@code rrf}, {@code rrf:K}, {@code minmax} (weighted, min-max) or
     * {@code zscore} (weighted, z-score). Weights are set separately.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Builder parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("rrf")) {
            return builder(Method.RRF);
        }
        if (n.startsWith("rrf:")) {
            try {
                return builder(Method.RRF).rrfK(Integer.parseInt(n.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Fusion '" + name + "': the RRF constant must be an integer");
            }
        }
        if (n.equals("minmax") || n.equals("weighted")) {
            return builder(Method.WEIGHTED).normalization(Normalization.MIN_MAX);
        }
        if (n.equals("zscore")) {
            return builder(Method.WEIGHTED).normalization(Normalization.Z_SCORE);
        }
        throw new IllegalArgumentException("Unknown fusion '" + name + "'; expected rrf, rrf:K, minmax or zscore");
    }

    public Method method() {
        return method;
    }

    public int rrfK() {
        return rrfK;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The weights set explicitly; other models weigh 1. */
    public Map<String, Double> weights() {
        return weights;
    }

    /** The explicitly set weight of a model (1 unless set); see {@link #effectiveWeights} for what fusing uses. */
    public double weight(String model) {
        return weights.getOrDefault(model, 1.0);
    }

    public int candidates() {
        return candidates;
    }

    /** How many results to fetch from each model for a fused top {@code k}. */
    public int depth(int k) {
        return Math.max(k, candidates);
    }

    /** A short name: {@code rrf}, {@code rrf:30}, {@code minmax}, {@code zscore}, plus weights if any. */
    public String name() {
        String base = switch (method) {
            case RRF -> rrfK == DEFAULT_RRF_K ? "rrf" : "rrf:" + rrfK;
            case WEIGHTED -> normalization == Normalization.MIN_MAX ? "minmax" : "zscore";
        };
        if (weights.isEmpty()) {
            return priorExponent == DEFAULT_PRIOR_EXPONENT ? base
                    : priorExponent == 0 ? base + "[equal]" : base + "[prior^" + (priorExponent == Math.rint(priorExponent)
                    ? String.valueOf((long) priorExponent) : String.valueOf(priorExponent)) + "]";
        }
        StringBuilder b = new StringBuilder(base).append('[');
        weights.forEach((m, w) -> b.append(b.charAt(b.length() - 1) == '[' ? "" : ",").append(m).append('=')
                .append(w));
        return b.append(']').toString();
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * Fuses per-model lists into the top {@code k}.
     *
     * @param results one entry per model, each best first (only its first {@link #depth(int)} results are used)
     * @throws IllegalArgumentException for a negative {@code k}
     */
    public List<FusedMatch> fuse(List<ModelResults> results, int k) {
        SearchArguments.checkK(k);
        Objects.requireNonNull(results, "results");
        Map<String, Double> w8 = effectiveWeights(results.stream().map(ModelResults::model).toList());
        boolean anyWeighted = w8.values().stream().anyMatch(w -> w > 0);
        // 1. the union of the candidates, with each model's rank; a model of weight 0 is left out (it adds no
        // candidates and breaks no ties; its ranks of the others' candidates are still reported)
        Map<Long, Acc> acc = new LinkedHashMap<>();
        List<double[]> normalised = new ArrayList<>(results.size());
        for (ModelResults r : results) {
            normalised.add(method == Method.WEIGHTED ? Scores.normalise(r.top(depth(k)), r.metric().higherIsBetter(), normalization)
                    : null);
        }
        for (boolean leftOut : new boolean[] {false, true}) {
            for (ModelResults r : results) {
                if (leftOut != (anyWeighted && w8.get(r.model()) == 0)) {
                    continue;
                }
                List<Match> list = r.top(depth(k));
                for (int i = 0; i < list.size(); i++) {
                    Match m = list.get(i);
                    Acc a = leftOut ? acc.get(m.id()) : acc.computeIfAbsent(m.id(), id -> new Acc(m));
                    if (a == null) {
                        continue;
                    }
                    // putIfAbsent: a store never returns an id twice, but a hand-made list might
                    a.perModel.putIfAbsent(r.model(), new FusedMatch.ModelHit(i + 1, m.score()));
                    if (!leftOut) {
                        a.bestRank = Math.min(a.bestRank, i + 1);
                    }
                }
            }
        }
        // 2. fused scores
        List<ModelResults> voters = results.stream().filter(r -> !anyWeighted || w8.get(r.model()) > 0).toList();
        ModelResults sole = results.size() > 1 && voters.size() == 1 ? voters.get(0) : null;
        double weightSum = 0;
        for (ModelResults r : results) {
            weightSum += w8.get(r.model());
        }
        for (Acc a : acc.values()) {
            for (int m = 0; m < results.size(); m++) {
                String model = results.get(m).model();
                double w = w8.get(model);
                FusedMatch.ModelHit hit = a.perModel.get(model);
                if (method == Method.RRF) {
                    a.score += hit == null ? 0 : w / (rrfK + hit.rank());
                } else {
                    double[] norm = normalised.get(m);
                    double absent = normalization == Normalization.MIN_MAX || norm.length == 0 ? 0 : Scores.min(norm);
                    a.score += w * (hit == null ? absent : norm[hit.rank() - 1]);
                }
            }
            if (method == Method.WEIGHTED && weightSum > 0) {
                a.score /= weightSum;
            }
            if (sole != null) {
                // one voter: its list as it is, with its own scores (comparable across queries, unlike z-scores
                // or min-max values over one candidate list); higher is closer
                FusedMatch.ModelHit hit = a.perModel.get(sole.model());
                a.score = sole.metric().higherIsBetter() ? hit.score() : -hit.score();
            }
        }
        List<Acc> all = new ArrayList<>(acc.values());
        all.sort(Comparator.comparingDouble((Acc a) -> -a.score).thenComparingInt(a -> a.bestRank)
                .thenComparingLong(a -> a.match.id()));
        List<FusedMatch> out = new ArrayList<>(Math.min(k, all.size()));
        for (Acc a : all) {
            if (out.size() == k) {
                break;
            }
            Match m = a.match;
            out.add(new FusedMatch(out.size() + 1, m.id(), m.location(), m.locations(), m.contentHash(), a.score,
                    a.perModel));
        }
        return out;
    }

    private static final class Acc {
        final Match match;
        final Map<String, FusedMatch.ModelHit> perModel = new LinkedHashMap<>();
        double score;
        int bestRank = Integer.MAX_VALUE;

        Acc(Match match) {
            this.match = match;
        }
    }

    /** Builds a {@link Fusion}; every setting has a default, listed with its setter. */
    public static final class Builder {
        private final Method method;
        private int rrfK = DEFAULT_RRF_K;
        private Normalization normalization = Normalization.MIN_MAX;
        private final Map<String, Double> weights = new LinkedHashMap<>();
        private int candidates = DEFAULT_CANDIDATES;
        private double priorExponent = DEFAULT_PRIOR_EXPONENT;

        private Builder(Method method) {
            this.method = Objects.requireNonNull(method, "method");
        }

        /** RRF constant, &gt;= 1. Default {@value #DEFAULT_RRF_K}. */
        public Builder rrfK(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("RRF constant must be >= 1, was " + k);
            }
            this.rrfK = k;
            return this;
        }

        /** Score normalisation of {@link Method#WEIGHTED}. Default {@link Normalization#MIN_MAX}. */
        public Builder normalization(Normalization n) {
            this.normalization = Objects.requireNonNull(n, "normalization");
            return this;
        }

        /** The weight of one model, &gt;= 0 and finite. Default 1 for every model. */
        public Builder weight(String model, double weight) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("Weight of model '" + model + "' must be finite and >= 0, was "
                        + weight);
            }
            weights.put(Objects.requireNonNull(model, "model"), weight);
            return this;
        }

        /** Candidates taken from each model, &gt;= 1. Default {@value #DEFAULT_CANDIDATES}. */
        public Builder candidates(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("candidates must be >= 1, was " + n);
            }
            this.candidates = n;
            return this;
        }

        /**
         * γ of the prior rule {@code w = (q / q_best)^γ} used when no weight is set, finite and &gt;= 0; 0 gives
         * equal weights. Default {@value #DEFAULT_PRIOR_EXPONENT}.
         */
        public Builder priorExponent(double exponent) {
            if (!(exponent >= 0) || Double.isInfinite(exponent)) {
                throw new IllegalArgumentException("prior exponent must be finite and >= 0, was " + exponent);
            }
            this.priorExponent = exponent;
            return this;
        }

        public Fusion build() {
            return new Fusion(copy(), Map.of(), Map.of());
        }

        private Builder copy() {
            Builder b = new Builder(method);
            b.rrfK = rrfK;
            b.normalization = normalization;
            b.weights.putAll(weights);
            b.candidates = candidates;
            b.priorExponent = priorExponent;
            return b;
        }
    }
}
