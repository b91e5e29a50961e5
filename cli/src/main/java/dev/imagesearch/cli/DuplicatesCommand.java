package dev.imagesearch.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.duplicates.DuplicateFinder;
import dev.imagesearch.duplicates.DuplicateGroup;
import dev.imagesearch.duplicates.Linkage;
import dev.imagesearch.duplicates.PairVerifier;
import dev.imagesearch.verify.GeometricVerifier;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code imagesearch duplicates}: groups of near-identical indexed images, best quality first. */
@Command(name = "duplicates", mixinStandardHelpOptions = true,
        description = {"Group near-identical indexed images (resized, recompressed, cropped copies, ...): each image's "
                + "nearest neighbours scoring at least the threshold are linked, and linked images form a group.",
                "The best quality member (most pixels, then largest file) is listed first, marked 'keep'."})
final class DuplicatesCommand implements Callable<Integer> {

    @ParentCommand
    ImageSearchCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Cosine similarity a pair needs, in the first model's units (default: the model's calibrated "
                    + "duplicates.threshold from its model.properties, see docs/EVALUATION.md; "
                    + DuplicateFinder.FALLBACK_THRESHOLD + " for a model without one).")
    Double threshold;

    @Option(names = "--using", paramLabel = "MODEL",
            description = "With several --models: compare this model's vectors only (default: the first).")
    String using;

    @Option(names = "--fuse",
            description = "With several --models: fuse every model's scores (each scaled by its own threshold, "
                    + "averaged) instead of using the first model's alone.")
    boolean fuse;

    @Option(names = "--linkage", paramLabel = "L", defaultValue = "average",
            description = "average (default: groups merge only when the mean score across them passes the "
                    + "threshold, so look-alike photos do not chain) or single (any chain of linked pairs).")
    String linkage;

    @Option(names = "--margin", paramLabel = "M", defaultValue = "" + DuplicateFinder.DEFAULT_MARGIN,
            description = "How far above each image's background (the score of its farthest looked-at neighbour) "
                    + "a pair must score, in the first model's units; 0: off (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--calibrate", paramLabel = "MANIFEST",
            description = "Instead of listing groups: measure pair precision/recall/F1 at thresholds 0.50..0.99 "
                    + "against a labelled set (lines 'image<TAB>group', paths relative to the file; images with "
                    + "the same group are duplicates) already indexed, and print the best threshold for each "
                    + "model as the duplicates.threshold line for its model.properties.")
    java.nio.file.Path calibrate;

    @Option(names = "--neighbours", paramLabel = "N", defaultValue = "" + DuplicateFinder.DEFAULT_NEIGHBOURS,
            description = "Nearest neighbours looked at per image (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--verify", paramLabel = "MODE", defaultValue = "auto",
            description = "Second check of each candidate pair scoring 0.3 or more: geometric (local features "
                    + "matched under a similarity transform, then the aligned pixels' correlation; OpenCV), none "
                    + "(the score, threshold and margin alone), or auto: geometric where OpenCV loads, else none "
                    + "(default: ${DEFAULT-VALUE}).")
    String verify;

    @Mixin
    IndexOptions index;

    /** JSON output. */
    @JsonPropertyOrder({"model", "threshold", "checked", "skipped", "groups"})
    record Output(String model, double threshold, int checked, int skipped, List<GroupJson> groups) {
    }

    /** One group in JSON. */
    @JsonPropertyOrder({"minScore", "maxScore", "members"})
    record GroupJson(double minScore, double maxScore, List<DuplicateGroup.Member> members) {
    }

    @Override
    public Integer call() {
        if (neighbours < 1) {
            throw CliException.usage("--neighbours must be at least 1, was " + neighbours);
        }
        if (threshold != null && !Double.isFinite(threshold)) {
            throw CliException.usage("--threshold must be a number, was " + threshold);
        }
        Linkage link;
        try {
            link = Linkage.valueOf(linkage.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--linkage must be average or single, was " + linkage);
        }
        DuplicateFinder.Result result;
        try (ImageSearch search = root.openExisting(index)) {
            DuplicateFinder.Builder b = DuplicateFinder.builder(search).neighbours(neighbours).linkage(link);
            try {
                b.margin(margin);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--margin: " + e.getMessage());
            }
            if (fuse && using != null) {
                throw CliException.usage("--fuse and --using exclude each other");
            }
            if (fuse) {
                b.models(search.models());
            }
            if (using != null) {
                try {
                    b.model(search.model(using));
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--using: " + e.getMessage());
                }
            }
            if (threshold != null) {
                b.threshold(threshold);
            }
            // calibration: thresholds go into model.properties, which every run reads, also runs without the
            // check, so `auto` calibrates without it (an explicit `--verify geometric` still uses it)
            b.verifier(calibrate != null && verify.equalsIgnoreCase("auto") ? null : verifier());
            if (calibrate != null) {
                return DuplicatesCalibration.run(search, b, using == null, calibrate, format, spec);
            }
            DuplicateFinder finder = b.build();
            calibrated = DuplicateFinder.hasCalibratedThreshold(finder.model());
            verified = finder.verifier().isPresent();
            result = finder.find();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            out.println(Json.write(new Output(result.model(), result.threshold(), result.checked(), result.skipped(),
                    result.groups().stream().map(g -> new GroupJson(g.minScore(), g.maxScore(), g.members()))
                            .toList())));
        } else {
            out.printf(Locale.ROOT, "model %s, threshold %.3f%s, %d images checked, %d groups%s%n", result.model(),
                    result.threshold(), threshold != null ? "" : defaultNote(result.model()),
                    result.checked(), result.groups().size(), verified ? ", pairs checked geometrically" : "");
            if (result.skipped() > 0) {
                out.printf(Locale.ROOT, "skipped: %d images without a vector%n", result.skipped());
            }
            int n = 0;
            for (DuplicateGroup g : result.groups()) {
                out.printf(Locale.ROOT, "%ngroup %d: %d images, pair scores %.4f..%.4f%n", ++n, g.members().size(),
                        g.minScore(), g.maxScore());
                boolean first = true;
                for (DuplicateGroup.Member m : g.members()) {
                    out.printf(Locale.ROOT, "  %-4s %11s %9d B  %s%n", first ? "keep" : "", m.width() == 0 ? "?"
                            : m.width() + "x" + m.height(), m.bytes(), m.location());
                    first = false;
                }
            }
        }
        out.flush();
        return ImageSearchCli.EXIT_OK;
    }

    /** The pair verifier {@code --verify} asks for, or null. */
    private PairVerifier verifier() {
        switch (verify.toLowerCase(Locale.ROOT)) {
            case "none":
                return null;
            case "geometric":
                try {
                    return GeometricVerifier.create();
                } catch (IllegalStateException e) {
                    throw CliException.failure("--verify geometric: " + e.getMessage(), e);
                }
            case "auto":
                try {
                    return GeometricVerifier.create();
                } catch (IllegalStateException e) {
                    spec.commandLine().getErr().println("imagesearch: duplicates without the geometric check ("
                            + e.getMessage() + ")");
                    return null;
                }
            default:
                throw CliException.usage("--verify must be auto, geometric or none, was " + verify);
        }
    }

    private String defaultNote(String modelNames) {
        return modelNames.contains("+") ? " (fused: each model's calibrated default)" : defaultNoteSingle();
    }

    private String defaultNoteSingle() {
        return calibrated ? " (calibrated default)" : " (fallback: no duplicates.threshold for this model)";
    }

    private boolean calibrated;
    private boolean verified;
}
