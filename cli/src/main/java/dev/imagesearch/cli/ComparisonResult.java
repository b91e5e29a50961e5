package dev.imagesearch.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.imagesearch.compare.Comparison;
import dev.imagesearch.compare.ScoreStats;
import dev.imagesearch.fusion.ModelResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One query of {@code imagesearch compare}: each model's results and score distribution, and how each pair of
 * models agrees. Written as JSON as it is, and rendered by {@link HtmlReport}.
 */
@JsonPropertyOrder({"query", "k", "models", "pairs", "failures"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record ComparisonResult(String query, int k, List<ModelBlock> models, List<PairJson> pairs,
                        Map<String, String> failures) {

    /** One model's column. */
    @JsonPropertyOrder({"model", "scores", "results"})
    record ModelBlock(String model, Map<String, Object> scores, List<QueryResult.Hit> results) {
    }

    /** Agreement of two models. */
    @JsonPropertyOrder({"a", "b", "shared", "overlap", "spearman", "kendall", "meanScoreDelta", "meanAbsScoreDelta"})
    record PairJson(String a, String b, int shared, Double overlap, Double spearman, Double kendall,
                    Double meanScoreDelta, Double meanAbsScoreDelta) {
    }

    static ComparisonResult of(String query, Comparison c, Map<String, String> failures) {
        List<ModelBlock> blocks = new ArrayList<>();
        for (ModelResults r : c.perModel()) {
            ScoreStats s = c.scores().get(r.model());
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("count", s.count());
            stats.put("min", Json.num(s.min()));
            stats.put("max", Json.num(s.max()));
            stats.put("mean", Json.num(s.mean()));
            stats.put("median", Json.num(s.median()));
            stats.put("stddev", Json.num(s.stddev()));
            blocks.add(new ModelBlock(r.model(), stats, r.matches().stream().map(QueryResult.Hit::of).toList()));
        }
        List<PairJson> pairs = c.pairs().stream().map(p -> new PairJson(p.a(), p.b(), p.shared(),
                Json.num(p.overlap()), Json.num(p.spearman()), Json.num(p.kendall()), Json.num(p.meanScoreDelta()),
                Json.num(p.meanAbsScoreDelta()))).toList();
        return new ComparisonResult(query, c.k(), blocks, pairs, failures);
    }
}
