package dev.imagesearch.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.imagesearch.Match;
import dev.imagesearch.fusion.FusedMatch;
import dev.imagesearch.fusion.MultiModelResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one query image: the JSON schema of {@code imagesearch similar --format json} (documented in
 * {@code docs/CLI.md}; keep the two in step).
 *
 * @param query   absolute path of the query image
 * @param model   name of the model that embedded it (several models: their names joined by {@code +})
 * @param k       number of results asked for (there are fewer when the index is smaller)
 * @param results best first
 * @param fusion  with several models: the fusion that ranked {@code results}; absent with one model
 * @param failures with several models: models that could not embed the query, with why; absent when none failed
 * @param error   why this query got no results (a missing file, an image that cannot be decoded); absent when it
 *                was answered. The other queries are answered all the same.
 */
@JsonPropertyOrder({"query", "model", "k", "error", "fusion", "failures", "results"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryResult(String query, String model, int k, List<Hit> results, String fusion,
                          Map<String, String> failures, String error) {

    public QueryResult {
        results = List.copyOf(results);
    }

    public QueryResult(String query, String model, int k, List<Hit> results) {
        this(query, model, k, results, null, null, null);
    }

    /** A query that could not be answered, with the reason. */
    static QueryResult failed(String query, String model, int k, String error) {
        return new QueryResult(query, model, k, List.of(), null, null, error);
    }

    static QueryResult of(String query, String model, int k, List<Match> matches) {
        return new QueryResult(query, model, k, matches.stream().map(Hit::of).toList());
    }

    static QueryResult of(String query, int k, MultiModelResult r) {
        String models = String.join("+", r.perModel().stream().map(m -> m.model()).toList());
        return new QueryResult(query, models, k, r.fused().stream().map(Hit::of).toList(), r.fusion().name(),
                r.failures().isEmpty() ? null : r.failures(), null);
    }

    /**
     * One result.
     *
     * @param rank        1 for the best match
     * @param location    where the image is (an absolute path)
     * @param score       cosine similarity, 1.0 for identical images (several models: the fused score)
     * @param id          the content id as a decimal string (a 63-bit number: strings keep it exact in
     *                    JavaScript)
     * @param contentHash hex SHA-256 of the image file
     * @param models      with several models: each model's rank and score for this image (a model is absent
     *                    when the image was not among its candidates); absent with one model
     */
    @JsonPropertyOrder({"rank", "location", "score", "id", "contentHash", "models"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hit(int rank, String location, double score, String id, String contentHash,
                      Map<String, ModelHit> models) {

        /** A single-model hit; the float score is kept as printed (0.98765, not 0.9876499772071838). */
        public Hit(int rank, String location, float score, String id, String contentHash) {
            this(rank, location, Double.parseDouble(Float.toString(score)), id, contentHash, null);
        }

        static Hit of(Match m) {
            return new Hit(m.rank(), m.location(), m.score(), Long.toString(m.id()), m.contentHash());
        }

        static Hit of(FusedMatch m) {
            Map<String, ModelHit> models = new LinkedHashMap<>();
            m.perModel().forEach((name, h) -> models.put(name, new ModelHit(h.rank(), h.score())));
            return new Hit(m.rank(), m.location(), m.score(), Long.toString(m.id()), m.contentHash(), models);
        }
    }

    /** One model's rank and score of a fused result. */
    @JsonPropertyOrder({"rank", "score"})
    public record ModelHit(int rank, float score) {
    }

    /** A pretty-printed JSON array of query objects (always an array, even for one query). */
    static String toJson(List<QueryResult> results) {
        return Json.write(results);
    }
}
