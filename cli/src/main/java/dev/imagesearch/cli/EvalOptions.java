package dev.imagesearch.cli;

import dev.imagesearch.fusion.Fusion;
import dev.imagesearch.query.SearchRefinement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by both evaluations of {@link EvalCommand} ({@code eval labelled} and {@code eval neardup}). */
final class EvalOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Where the data set is indexed (embeddings are cached there; default: DIR-index next "
                    + "to the data set).")
    Path data;

    @Option(names = "--fusions", paramLabel = "F,...", split = ",", defaultValue = "rrf,minmax,zscore",
            description = "Fusions to evaluate with several models (default: ${DEFAULT-VALUE}).")
    List<String> fusions;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Indexing progress on stderr: auto, bar, lines or none (default: ${DEFAULT-VALUE}).")
    Progress.Mode progress;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "${env:IMAGESEARCH_PRECISION:-float32}",
            description = "float32 (default) or float16: how the cached index is held while searching (the "
                    + "files keep full precision, so both read the same embeddings); env IMAGESEARCH_PRECISION.")
    String precision;

    @Option(names = "--weights", paramLabel = "MODEL=W", split = ",",
            description = "Per-model weights applied to every fusion evaluated (default: from each model's "
                    + "quality prior, see --prior-exponent).")
    Map<String, Double> weights;

    @Option(names = "--prior-exponent", paramLabel = "G",
            description = "Without --weights, weights are (q/q_best)^G of the models' quality priors "
                    + "(model.properties quality.map10); 0 = equal weights (default: "
                    + Fusion.DEFAULT_PRIOR_EXPONENT + ").")
    Double priorExponent;

    @Option(names = "--subsets", paramLabel = "SIZE,...", split = ",",
            description = "Also evaluate each fusion over every subset of the models of these sizes, e.g. 2,3 "
                    + "(from the same searches).")
    List<Integer> subsets = List.of();

    @Mixin
    RefinementOptions refinementOptions;

    /** The refinement of every model's search ({@link SearchRefinement#NONE} without --qe and --dba). */
    SearchRefinement refinement() {
        SearchRefinement r = refinementOptions.refinement();
        return r == null ? SearchRefinement.NONE : r;
    }

    /** The fusions to evaluate, with the weights; a weight for a model that is not evaluated is refused. */
    List<Fusion> fusionList(List<String> models) {
        if (weights != null) {
            for (String named : weights.keySet()) {
                if (!models.contains(named)) {
                    throw CliException.usage("--weights names model '" + named + "', which is not among "
                            + models);
                }
            }
        }
        List<Fusion> out = new ArrayList<>();
        for (String f : fusions) {
            try {
                Fusion.Builder b = Fusion.parse(f);
                if (weights != null) {
                    weights.forEach(b::weight);
                }
                if (priorExponent != null) {
                    b.priorExponent(priorExponent);
                }
                out.add(b.build());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--fusions/--weights: " + e.getMessage());
            }
        }
        return out;
    }

    StoreOptions store(Path dataSet, String part) {
        StoreOptions s = new StoreOptions();
        Path base = data != null ? data
                : dataSet.toAbsolutePath().normalize().resolveSibling(dataSet.getFileName() + "-index");
        s.data = part == null ? base : base.resolve(part);
        s.store = "embedded";
        s.ids = "embedded";
        s.precision = precision;
        return s;
    }
}
