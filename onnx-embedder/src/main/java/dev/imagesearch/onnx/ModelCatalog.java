package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Named models provisioned in a directory: {@code <directory>/<name>/model.properties} + the model file (see
 * {@link ModelDescriptor}; {@code scripts/models/provision.sh} writes them). Immutable; it reads the directory on
 * every call, so models provisioned later are seen.
 */
public final class ModelCatalog {

    /**
     * The model used when none is named: EfficientNet-Lite0 quantised to INT8, chosen by measurement (as good as
     * the fp32 models within the quality gates, the fastest; docs/MODELS.md).
     */
    public static final String DEFAULT_MODEL = "efficientnet-lite0-int8";

    private static final String PROVISION_HINT = "provision models with scripts/models/provision.sh (into "
            + "${IMAGESEARCH_CACHE:-~/.cache/imagesearch}/models) or point IMAGESEARCH_MODELS at a directory of them";

    private final Path directory;

    private ModelCatalog(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * {@code $IMAGESEARCH_MODELS} if set, else {@code $IMAGESEARCH_CACHE/models}, else
     * {@code ~/.cache/imagesearch/models}.
     */
    public static Path defaultDirectory() {
        String models = System.getenv("IMAGESEARCH_MODELS");
        if (models != null && !models.isBlank()) {
            return Path.of(models);
        }
        String cache = System.getenv("IMAGESEARCH_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "imagesearch");
        return root.resolve("models");
    }

    /** The catalog at {@link #defaultDirectory()}. */
    public static ModelCatalog atDefaultDirectory() {
        return at(defaultDirectory());
    }

    public static ModelCatalog at(Path directory) {
        return new ModelCatalog(directory);
    }

    public Path directory() {
        return directory;
    }

    /** Names of the sub-directories that have a {@code model.properties}, sorted; empty if there are none. */
    public List<String> names() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(directory)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(ModelDescriptor.FILE_NAME)))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new EmbeddingException("Cannot list model directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The descriptors of every model in the catalog, in name order. */
    public List<ModelDescriptor> descriptors() {
        return names().stream().map(n -> ModelDescriptor.read(directory.resolve(n))).toList();
    }

    /**
     * The descriptor of a model in the catalog.
     *
     * @throws UnknownModelException listing the available names
     */
    public ModelDescriptor describe(String name) {
        Path dir = directory.resolve(name);
        if (!isModelName(name) || !Files.isRegularFile(dir.resolve(ModelDescriptor.FILE_NAME))) {
            throw unknown(name);
        }
        return ModelDescriptor.read(dir);
    }

    /**
     * Loads a model: a name in this catalog, a model directory (with {@code model.properties}), or — with
     * {@link #load(String, String)} — a {@code .onnx} file.
     *
     * @throws UnknownModelException whose message lists the available names and how to provision models
     * @throws EmbeddingException    if the model exists but cannot be loaded
     */
    public OnnxEmbedder load(String nameOrPath) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        if (isModelName(nameOrPath) && Files.isRegularFile(directory.resolve(nameOrPath)
                .resolve(ModelDescriptor.FILE_NAME))) {
            return OnnxEmbedder.fromDirectory(directory.resolve(nameOrPath));
        }
        Path path = Path.of(nameOrPath);
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(ModelDescriptor.FILE_NAME))) {
            return OnnxEmbedder.fromDirectory(path);
        }
        if (Files.isRegularFile(path) && isOnnx(path)) {
            throw new EmbeddingException("Model file " + path + " has no model.properties: give its preprocessing "
                    + "preset too (one of " + String.join(", ", Preprocessing.presetNames()) + ")");
        }
        throw unknown(nameOrPath);
    }

    /**
     * Loads a {@code .onnx} file with a named preprocessing preset (first output, AUTO pooling), or a catalog
     * name / model directory with its preset replaced by {@code preset}.
     *
     * @throws IllegalArgumentException if {@code preset} is not a known preset
     */
    public OnnxEmbedder load(String nameOrPath, String preset) {
        Preprocessing pre = Preprocessing.preset(preset);
        Path path = Path.of(nameOrPath);
        if (Files.isRegularFile(path)) {
            return OnnxEmbedder.builder(path).preprocessing(pre).build();
        }
        Path dir = isModelName(nameOrPath) && Files.isDirectory(directory.resolve(nameOrPath))
                ? directory.resolve(nameOrPath) : path;
        if (!Files.isRegularFile(dir.resolve(ModelDescriptor.FILE_NAME))) {
            throw unknown(nameOrPath);
        }
        ModelDescriptor d = ModelDescriptor.read(dir);
        OnnxEmbedder.Builder b = OnnxEmbedder.builder(d.modelFile()).name(d.name()).preprocessing(pre)
                .pooling(d.pooling());
        d.output().ifPresent(b::outputName);
        return b.build();
    }

    private UnknownModelException unknown(String requested) {
        List<String> names = names();
        String message = "Unknown model '" + requested + "': not a model in " + directory
                + ", a model directory or an .onnx file. "
                + (names.isEmpty() ? "No models are provisioned there; " : "Available: " + String.join(", ", names)
                + ". To add more, ")
                + PROVISION_HINT + ".";
        return new UnknownModelException(requested, names, message);
    }

    private static boolean isModelName(String s) {
        return !s.isEmpty() && !s.contains("/") && !s.contains("\\") && !s.equals(".") && !s.equals("..");
    }

    private static boolean isOnnx(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }
}
