package dev.imagesearch.compare;

import dev.imagesearch.store.SearchArguments;
import dev.imagesearch.search.Match;
import dev.imagesearch.fusion.ModelResults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several models' top-{@code k} results for one query, side by side, with how much they agree and how their
 * scores are distributed ("the results are similar but the distances are not the same", measured).
 *
 * @param k        the number of results compared per model
 * @param perModel each model's top {@code k}, in model order
 * @param scores   each model's score distribution over its top {@code k}
 * @param pairs    agreement of every pair of models (first model with second, first with third, ...)
 */
public record Comparison(int k, List<ModelResults> perModel, Map<String, ScoreStats> scores, List<Pair> pairs) {

    public Comparison {
        perModel = List.copyOf(perModel);
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        pairs = List.copyOf(pairs);
    }

    /**
     * How two models agree on one query.
     *
     * @param a              first model
     * @param b              second model
     * @param shared         images in both top-{@code k} lists
     * @param overlap        overlap@k: {@code shared / max(|A|, |B|)}, in [0, 1] (1 when both lists are empty);
     *                       the denominator is {@code k} unless the index holds fewer images
     * @param spearman       Spearman's rho over the union of both lists, an image missing from a list ranked
     *                       {@code k + 1} there (ties); NaN for fewer than 2 images
     * @param kendall        Kendall's tau-b over the same ranks; NaN for fewer than 2 images
     * @param meanScoreDelta mean of {@code score_a − score_b} over the shared images (NaN if none): the same
     *                       image gets a different score from each model
     * @param meanAbsScoreDelta mean of {@code |score_a − score_b|} over the shared images (NaN if none)
     */
    public record Pair(String a, String b, int shared, double overlap, double spearman, double kendall,
                       double meanScoreDelta, double meanAbsScoreDelta) {
    }

    /**
     * Compares models' results.
     *
     * @param results one entry per model, best first (only the first {@code k} are used)
     * @throws IllegalArgumentException for a negative {@code k}
     */
    public static Comparison of(List<ModelResults> results, int k) {
        SearchArguments.checkK(k);
        List<ModelResults> top = new ArrayList<>();
        Map<String, ScoreStats> scores = new LinkedHashMap<>();
        for (ModelResults r : results) {
            ModelResults t = new ModelResults(r.model(), r.metric(), r.top(k));
            top.add(t);
            scores.put(r.model(), ScoreStats.of(t.matches().stream().map(Match::score).toList()));
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            for (int j = i + 1; j < top.size(); j++) {
                pairs.add(pair(top.get(i), top.get(j), k));
            }
        }
        return new Comparison(k, top, scores, pairs);
    }

    static Pair pair(ModelResults a, ModelResults b, int k) {
        Map<Long, Integer> rankA = ranks(a.matches());
        Map<Long, Integer> rankB = ranks(b.matches());
        Map<Long, Float> scoreA = new HashMap<>();
        a.matches().forEach(m -> scoreA.putIfAbsent(m.id(), m.score()));
        Set<Long> union = new LinkedHashSet<>(rankA.keySet());
        union.addAll(rankB.keySet());
        double[] ra = new double[union.size()];
        double[] rb = new double[union.size()];
        int i = 0;
        for (long id : union) {
            ra[i] = rankA.getOrDefault(id, k + 1);
            rb[i] = rankB.getOrDefault(id, k + 1);
            i++;
        }
        int shared = 0;
        double delta = 0;
        double absDelta = 0;
        for (int j = 0; j < b.matches().size(); j++) {
            Match m = b.matches().get(j);
            Float sa = scoreA.get(m.id());
            if (sa != null && rankB.get(m.id()) == j + 1) { // first occurrence only
                shared++;
                delta += sa - m.score();
                absDelta += Math.abs(sa - m.score());
            }
        }
        int denom = Math.max(rankA.size(), rankB.size());
        return new Pair(a.model(), b.model(), shared, denom == 0 ? 1.0 : (double) shared / denom,
                RankCorrelation.spearman(ra, rb), RankCorrelation.kendallTauB(ra, rb),
                shared == 0 ? Double.NaN : delta / shared, shared == 0 ? Double.NaN : absDelta / shared);
    }

    /** 1-based rank of each id (its first occurrence). */
    private static Map<Long, Integer> ranks(List<Match> matches) {
        Map<Long, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < matches.size(); i++) {
            out.putIfAbsent(matches.get(i).id(), i + 1);
        }
        return out;
    }
}
