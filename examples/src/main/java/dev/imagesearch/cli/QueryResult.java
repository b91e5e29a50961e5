package dev.imagesearch.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imagesearch.Match;
import java.util.List;

/**
 * The results of one query image: the JSON schema of {@code imagesearch similar --format json} (documented in
 * {@code docs/CLI.md}; keep the two in step).
 *
 * @param query   absolute path of the query image
 * @param model   name of the model that embedded it
 * @param k       number of results asked for (there are fewer when the index is smaller)
 * @param results best first
 */
@JsonPropertyOrder({"query", "model", "k", "results"})
public record QueryResult(String query, String model, int k, List<Hit> results) {

    public QueryResult {
        results = List.copyOf(results);
    }

    static QueryResult of(String query, String model, int k, List<Match> matches) {
        return new QueryResult(query, model, k, matches.stream().map(Hit::of).toList());
    }

    /**
     * One result.
     *
     * @param rank        1 for the best match
     * @param location    where the image is (an absolute path)
     * @param score       cosine similarity, 1.0 for identical images
     * @param id          the content id as a decimal string (a 63-bit number: strings keep it exact in
     *                    JavaScript)
     * @param contentHash hex SHA-256 of the image file
     */
    @JsonPropertyOrder({"rank", "location", "score", "id", "contentHash"})
    public record Hit(int rank, String location, float score, String id, String contentHash) {
        static Hit of(Match m) {
            return new Hit(m.rank(), m.location(), m.score(), Long.toString(m.id()), m.contentHash());
        }
    }

    /** A pretty-printed JSON array of query objects (always an array, even for one query). */
    static String toJson(List<QueryResult> results) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(results);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write results as JSON: " + e.getMessage(), e);
        }
    }
}
