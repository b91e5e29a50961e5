package dev.imagesearch.fusion;

import java.util.List;
import java.util.Map;

/**
 * The results of one query under several models: each model's own list and the fused list.
 *
 * @param perModel each model's results, best first, in model order (as deep as the fusion's candidate depth)
 * @param fused    the fused ranking, best first, at most {@code k} long
 * @param fusion   the fusion that produced {@code fused}
 * @param failures models that could not embed the query, with the reason (they take no part in the fusion)
 */
public record MultiModelResult(List<ModelResults> perModel, List<FusedMatch> fused, Fusion fusion,
                               Map<String, String> failures) {
    public MultiModelResult {
        perModel = List.copyOf(perModel);
        fused = List.copyOf(fused);
        failures = Map.copyOf(failures);
    }

    /** One model's results. */
    public ModelResults model(String name) {
        return perModel.stream().filter(r -> r.model().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No results for model '" + name + "'; models: "
                        + perModel.stream().map(ModelResults::model).toList()));
    }
}
