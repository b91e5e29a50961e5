package dev.imagesearch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which model embeds the images: shared by every command that opens an index. */
public final class ModelOptions {

    /** The model used when {@code --model} is not given. */
    public static final String DEFAULT_MODEL = "efficientnet-lite0";

    @Option(names = "--model", paramLabel = "NAME|PATH", defaultValue = "${env:IMAGESEARCH_MODEL:-" + DEFAULT_MODEL + "}",
            description = "Model: a name listed by 'imagesearch models', a model directory or an .onnx file "
                    + "(default: ${DEFAULT-VALUE}; env IMAGESEARCH_MODEL).")
    String model;

    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Where models are looked up by name (default: <cache>/models, where <cache> is "
                    + "$IMAGESEARCH_CACHE or ~/.cache/imagesearch).")
    Path modelDirectory;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Preprocessing preset for a bare .onnx file that has no model.properties beside it.")
    String preset;

    /** The catalog directory to use with {@code source}. */
    Path directory(ModelSource source) {
        return modelDirectory != null ? modelDirectory : source.defaultDirectory();
    }
}
