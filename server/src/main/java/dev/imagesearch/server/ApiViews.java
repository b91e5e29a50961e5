package dev.imagesearch.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the HTTP API (docs/API.md, docs/openapi.yaml). Ids are decimal strings: they are 64-bit and a
 * JavaScript number would round them.
 */
final class ApiViews {

    private ApiViews() {
    }

    /** An error: {@code {"status": 404, "error": "..."}}. */
    record Error(int status, String error) {
    }

    /** An indexed image. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Image(String id, String name, String location, List<String> locations, String contentHash,
                 String thumbnail, String original) {
    }

    /** One result: rank and score in its list; with several models, where each model ranked it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Hit(int rank, double score, String id, String name, String location, String thumbnail,
               Map<String, ModelHit> models, List<String> alsoIn) {
    }

    /** A model's rank and score for a fused result. */
    record ModelHit(int rank, double score) {
    }

    /** One model's list. */
    record ModelList(String model, String metric, List<Hit> results) {
    }

    /** A search: the final list ({@code results}), each model's list, and the fusion used with several models. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Search(String query, int k, List<String> models, String fusion, List<Hit> results,
                  List<ModelList> perModel, Map<String, String> failures) {
    }

    /** A page of indexed images. */
    record Images(long total, int offset, List<Image> images) {
    }

    /** A model of the index. */
    record Model(String name, int dimension, String metric, long vectors) {
    }

    /** Index status. */
    record Stats(long images, List<Model> models, Map<String, String> backends, Limits uploadLimits,
                 boolean tokenRequired, boolean indexingEnabled) {
    }

    /** Upload limits. */
    record Limits(long maxBytes, long maxPixels, int maxSide) {
    }

    /** Duplicate groups. */
    record Duplicates(String model, double threshold, int checked, int skipped, List<Group> groups) {
    }

    /** A group of near-identical images; the first member is the suggested one to keep. */
    record Group(double minScore, double maxScore, List<Member> members) {
    }

    /** A member of a duplicate group. */
    record Member(String id, String name, String location, int width, int height, long bytes, boolean keep,
                  String thumbnail) {
    }

    /** Paths to index or remove. */
    record Paths(List<String> paths) {
    }

    /** What an index call did. */
    record Indexed(int indexed, int embedded, int unchanged, int failed, List<Failure> failures) {
    }

    /** A file that could not be indexed. */
    record Failure(String path, String reason) {
    }

    /** What a remove call did. */
    record Removed(int removed, List<String> notIndexed) {
    }
}
