package dev.imagesearch.cli;

import dev.imagesearch.onnx.ModelCatalog;
import java.nio.file.Path;
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

    /** The catalog directory to use with {@code source}. */
    Path directory(ModelSource source) {
        return modelDirectory != null ? modelDirectory : source.defaultDirectory();
    }
}
