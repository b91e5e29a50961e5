package dev.imagesearch.fusion;

import dev.imagesearch.search.Match;
import dev.imagesearch.store.Metric;
import java.util.List;
import java.util.Objects;

/**
 * One model's results for one query.
 *
 * @param model   the model's name
 * @param metric  the metric of its collection (tells whether a higher score is closer)
 * @param matches its results, best first
 */
public record ModelResults(String model, Metric metric, List<Match> matches) {
    public ModelResults {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        matches = List.copyOf(matches);
    }

    /** The first {@code k} matches (all of them when there are fewer). */
    public List<Match> top(int k) {
        return matches.subList(0, Math.min(k, matches.size()));
    }
}
