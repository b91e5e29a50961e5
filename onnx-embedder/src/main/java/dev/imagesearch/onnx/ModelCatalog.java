package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Named models, looked up first in a directory ({@code <directory>/<name>/model.properties} + the model file; see
 * {@link ModelDescriptor}; {@code scripts/models/provision.sh} writes them), then on the classpath, where the model
 * artifacts ({@code dev.imagesearch:imagesearch-model-<name>}) put them. A model's file is checked against the
 * {@code sha256} of its descriptor whenever it is loaded. Immutable; it reads the directory on every call, so
 * models provisioned later are seen.
 *
 * <pre>{@code
 * ModelCatalog.atDefaultDirectory().load("efficientnet-lite0");            // directory, then classpath
 * ModelCatalog.builder().directory(Path.of("models")).classpath(false).build().load("my-model");
 * }</pre>
 */
public final class ModelCatalog {

    /**
     * The model used when none is named: EfficientNet-Lite0 quantised to INT8, chosen by measurement (as good as
     * the fp32 models within the quality gates, the fastest; docs/MODELS.md).
     */
    public static final String DEFAULT_MODEL = "efficientnet-lite0-int8";

    /** System property naming the model directory; it wins over {@code $IMAGESEARCH_MODELS}. */
    public static final String DIRECTORY_PROPERTY = "imagesearch.models";

    private static final String PROVISION_HINT = "provision models with scripts/models/provision.sh (into "
            + "${IMAGESEARCH_CACHE:-~/.cache/imagesearch}/models), or point ModelCatalog.builder().directory(...), "
            + "-D" + DIRECTORY_PROPERTY + " or IMAGESEARCH_MODELS at a directory of them";

    private final Path directory;
    private final ClassLoader classLoader;
    private final Path extractTo;

    private ModelCatalog(Builder b) {
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.classLoader = b.classpath ? b.classLoader : null;
        this.extractTo = b.extractTo;
    }

    /**
     * {@code -Dimagesearch.models} if set, else {@code $IMAGESEARCH_MODELS}, else {@code $IMAGESEARCH_CACHE/models},
     * else {@code ~/.cache/imagesearch/models}.
     */
    public static Path defaultDirectory() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String models = System.getenv("IMAGESEARCH_MODELS");
        if (models != null && !models.isBlank()) {
            return Path.of(models);
        }
        String cache = System.getenv("IMAGESEARCH_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "imagesearch");
        return root.resolve("models");
    }

    /** The catalog at {@link #defaultDirectory()}, then the classpath. */
    public static ModelCatalog atDefaultDirectory() {
        return builder().build();
    }

    /** The catalog at {@code directory}, then the classpath. */
    public static ModelCatalog at(Path directory) {
        return builder().directory(directory).build();
    }

    /** A builder; every setting has a default, listed with its setter. */
    public static Builder builder() {
        return new Builder();
    }

    public Path directory() {
        return directory;
    }

    private ClasspathModels classpathModels() {
        return classLoader == null ? null : ClasspathModels.scan(classLoader, extractTo);
    }

    /**
     * Names of the models in the directory (sub-directories with a {@code model.properties}) and on the classpath,
     * sorted; empty if there are none.
     */
    public List<String> names() {
        TreeSet<String> all = new TreeSet<>(directoryNames());
        ClasspathModels cp = classpathModels();
        if (cp != null) {
            all.addAll(cp.names());
        }
        return List.copyOf(all);
    }

    private List<String> directoryNames() {
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
        return names().stream().map(this::describe).toList();
    }

    /**
     * The descriptor of a model in the catalog (a classpath model is copied to disk first).
     *
     * @throws UnknownModelException listing the available names
     */
    public ModelDescriptor describe(String name) {
        return ModelDescriptor.read(modelDirectory(name).orElseThrow(() -> unknown(name)));
    }

    /** The folder of a model of this catalog: in the directory, else copied from the classpath. */
    private Optional<Path> modelDirectory(String name) {
        if (!isModelName(name)) {
            return Optional.empty();
        }
        Path dir = directory.resolve(name);
        if (Files.isRegularFile(dir.resolve(ModelDescriptor.FILE_NAME))) {
            return Optional.of(dir);
        }
        ClasspathModels cp = classpathModels();
        return cp != null && cp.has(name) ? Optional.of(cp.directory(name)) : Optional.empty();
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
        Optional<Path> named = modelDirectory(nameOrPath);
        if (named.isPresent()) {
            return OnnxEmbedder.fromDirectory(named.get());
        }
        Path path = Path.of(nameOrPath);
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(ModelDescriptor.FILE_NAME))) {
            return OnnxEmbedder.fromDirectory(path);
        }
        if (Files.isRegularFile(path) && isOnnx(path)) {
            throw new EmbeddingException("Model file " + path + " has no model.properties: give its preprocessing "
                    + "preset too (one of " + String.join(", ", Pipeline.presetNames()) + ")");
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
        Pipeline pre = Pipeline.preset(preset);
        Path path = Path.of(nameOrPath);
        if (Files.isRegularFile(path)) {
            return OnnxEmbedder.builder(path).pipeline(pre).build();
        }
        Path dir = modelDirectory(nameOrPath).orElse(path);
        if (!Files.isRegularFile(dir.resolve(ModelDescriptor.FILE_NAME))) {
            throw unknown(nameOrPath);
        }
        ModelDescriptor d = ModelDescriptor.read(dir);
        OnnxEmbedder.Builder b = OnnxEmbedder.builder(d.modelFile()).name(d.name()).pipeline(pre)
                .pooling(d.pooling());
        d.output().ifPresent(b::outputName);
        return b.build();
    }

    private UnknownModelException unknown(String requested) {
        List<String> names = names();
        ClasspathModels cp = classpathModels();
        String missing = cp == null ? null : cp.missingReason(requested);
        if (missing != null) {
            return new UnknownModelException(requested, names, "Model '" + requested + "': its artifact "
                    + "dev.imagesearch:imagesearch-model-" + requested + " is on the classpath but was " + missing
                    + ". Rebuild that artifact where its tools are installed, or " + PROVISION_HINT + ".");
        }
        String message = "Unknown model '" + requested + "': not a model in " + directory
                + (classLoader == null ? "" : " or on the classpath") + ", a model directory or an .onnx file. "
                + (names.isEmpty() ? "No models are provisioned there; " : "Available: " + String.join(", ", names)
                + ". To add more, ")
                + "add the model's Maven artifact (dev.imagesearch:imagesearch-model-"
                + (isModelName(requested) ? requested : "<name>") + "), " + PROVISION_HINT + ".";
        return new UnknownModelException(requested, names, message);
    }

    private static boolean isModelName(String s) {
        return !s.isEmpty() && !s.contains("/") && !s.contains("\\") && !s.equals(".") && !s.equals("..");
    }

    private static boolean isOnnx(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** Builds a {@link ModelCatalog}. */
    public static final class Builder {
        private Path directory = defaultDirectory();
        private boolean classpath = true;
        private ClassLoader classLoader = defaultClassLoader();
        private Path extractTo = Path.of(System.getProperty("java.io.tmpdir"),
                "imagesearch-models-" + System.getProperty("user.name", "user"));

        private Builder() {
        }

        /** Directory of provisioned models, looked at first. Default: {@link ModelCatalog#defaultDirectory()}. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Whether to look for model artifacts on the classpath after the directory. Default {@code true}. */
        public Builder classpath(boolean classpath) {
            this.classpath = classpath;
            return this;
        }

        /**
         * The class loader whose resources hold model artifacts. Default: the thread's context class loader, else
         * the one that loaded this class.
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * Where classpath models are copied for ONNX Runtime (once per model version; later loads reuse the copy).
         * Default: {@code imagesearch-models-<user>} in {@code java.io.tmpdir}.
         */
        public Builder extractTo(Path folder) {
            this.extractTo = Objects.requireNonNull(folder, "folder");
            return this;
        }

        public ModelCatalog build() {
            return new ModelCatalog(this);
        }

        private static ClassLoader defaultClassLoader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : ModelCatalog.class.getClassLoader();
        }
    }
}
