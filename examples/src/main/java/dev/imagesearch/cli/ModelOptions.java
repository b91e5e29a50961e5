package dev.imagesearch.cli;

import dev.imagesearch.onnx.ModelCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which model embeds the images: shared by every command that opens an index. */
public final class ModelOptions {

    /** The model used when {@code --model} is not given. */
    public static final String DEFAULT_MODEL = ModelCatalog.DEFAULT_MODEL;

    @Option(names = "--model", paramLabel = "NAME|PATH", defaultValue = "${env:IMAGESEARCH_MODEL:-" + DEFAULT_MODEL + "}",
            description = "Model: a name listed by 'imagesearch models', a model directory or an .onnx file "
                    + "(default: ${DEFAULT-VALUE}; env IMAGESEARCH_MODEL).")
    String model;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Where models are looked up by name (default: $IMAGESEARCH_MODELS, else "
                    + "$IMAGESEARCH_CACHE/models, else ~/.cache/imagesearch/models).")
    Path modelDirectory;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Preprocessing preset for a bare .onnx file (required for one), or to override a "
                    + "model's own preset.")
    String preset;

    @Option(names = "--models", paramLabel = "A,B,...", split = ",",
            description = "Several models side by side (each with its own collection in the same index); the first "
                    + "is the primary one. Overrides --model.")
    List<String> models;

    /** The models to load, the primary one first: {@code --models} if given, else {@code --model}. */
    List<String> names() {
        if (models == null || models.isEmpty()) {
            return List.of(model);
        }
        List<String> out = new ArrayList<>();
        for (String m : models) {
            String n = m.trim();
            if (n.isEmpty()) {
                throw CliException.usage("--models has an empty name: '" + String.join(",", models) + "'");
            }
            if (out.contains(n)) {
                throw CliException.usage("--models names '" + n + "' twice");
            }
            out.add(n);
        }
        return out;
    }

    /** The catalog directory to use with {@code source}. */
    Path directory(ModelSource source) {
        return modelDirectory != null ? modelDirectory : source.defaultDirectory();
    }
}
