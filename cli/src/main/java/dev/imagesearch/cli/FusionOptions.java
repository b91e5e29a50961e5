package dev.imagesearch.cli;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.fusion.Fusion;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How several models' results are fused: shared by the commands that search with several models. */
public final class FusionOptions {

    /** The fusion used when {@code --fusion} is not given; chosen from the measurements in docs/EVALUATION.md. */
    public static final String DEFAULT_FUSION = "zscore";

    @Option(names = "--fusion", paramLabel = "METHOD", defaultValue = DEFAULT_FUSION,
            description = "With several models: rrf (reciprocal rank fusion, k=60), rrf:K, minmax or zscore "
                    + "(weighted score fusion with that normalisation) (default: ${DEFAULT-VALUE}).")
    String fusion;

    @Option(names = "--weights", paramLabel = "MODEL=W", split = ",",
            description = "Per-model fusion weights, e.g. efficientnet-lite0=2,mobilenet-v2-nsfwjs=1 (default: from "
                    + "each model's measured quality, quality.map10 in its model.properties: (q/q_best)^3; 1 each "
                    + "when a model has none).")
    Map<String, Double> weights;

    /** The fusion for the models of {@code search}. */
    Fusion fusion(ImageSearch search) {
        Fusion.Builder b;
        try {
            b = Fusion.parse(fusion);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--fusion: " + e.getMessage());
        }
        if (weights != null) {
            List<String> names = search.models().stream().map(IndexedModel::name).toList();
            for (Map.Entry<String, Double> w : weights.entrySet()) {
                if (!names.contains(w.getKey())) {
                    throw CliException.usage("--weights names model '" + w.getKey() + "', which is not among "
                            + names);
                }
                try {
                    b.weight(w.getKey(), w.getValue());
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--weights: " + e.getMessage());
                }
            }
        }
        return b.build();
    }
}
