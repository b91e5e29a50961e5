package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Pipeline;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A provisioned model's {@code model.properties}: {@code name}, {@code file}, {@code sha256}, {@code dimension},
 * {@code output}, {@code pooling} ({@code none|avg|max|gem}, with {@code pooling.p} for gem, default 3),
 * {@code preset} and/or {@code preprocess.pipeline}, and optionally {@code labels} (path of the class names, one a
 * line), {@code classifier.output}, {@code description}, {@code source}, {@code license}, and a learned whitening
 * ({@code whitening} = its file, {@code whitening.sha256} required with it, {@code whitening.dimension} = rows kept,
 * default all; {@code dimension} is then the whitened dimension). Relative paths resolve against the model's
 * directory.
 *
 * <p>The preprocessing is a named pipeline: {@code preset} names it and {@code preprocess.pipeline} (when given)
 * is its data, in {@link Pipeline#parse} form. Without {@code preprocess.pipeline} the built-in preset of that
 * name is used (descriptors written before pipelines existed); without {@code preset} the name is
 * {@code custom}. A built-in preset name with a different pipeline is refused, so a name never means two
 * preprocessings.
 *
 * @param directory        the model directory
 * @param name             model name (default: the directory name)
 * @param modelFile        the ONNX file ({@code file}, default {@code model.onnx})
 * @param sha256           expected SHA-256 of the model file, checked when the model is loaded
 * @param dimension        expected embedding dimension, checked when the model is loaded (0: not given)
 * @param output           output to embed from (empty: the first)
 * @param pooling          pooling of a 4-D output (default {@link Pooling#AUTO})
 * @param preset           the preprocessing's name (a built-in preset, or {@code custom})
 * @param labels           file with one class name a line, for {@code classifier.output}
 * @param classifierOutput output with class scores (e.g. {@code logits})
 * @param description      free text
 * @param properties       every key and value of the file
 */
public record ModelDescriptor(Path directory, String name, Path modelFile, Optional<String> sha256, int dimension,
                              Optional<String> output, Pooling pooling, String preset, Optional<Path> labels,
                              Optional<String> classifierOutput, String description, Map<String, String> properties) {

    /** Name of the descriptor file in a model directory. */
    public static final String FILE_NAME = "model.properties";

    /** The key of the preprocessing pipeline's text form. */
    public static final String PIPELINE_KEY = "preprocess.pipeline";

    public ModelDescriptor {
        properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /**
     * Reads {@code directory/model.properties}.
     *
     * @throws EmbeddingException naming the file and the bad key if it is missing or invalid
     */
    public static ModelDescriptor read(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new EmbeddingException("No " + FILE_NAME + " in model directory " + directory, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new EmbeddingException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> all = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k).trim()));
        String name = all.getOrDefault("name", directory.getFileName() == null ? "model"
                : directory.getFileName().toString());
        Path model = directory.resolve(all.getOrDefault("file", "model.onnx"));
        int dimension = 0;
        if (present(all, "dimension")) {
            try {
                dimension = Integer.parseInt(all.get("dimension"));
            } catch (NumberFormatException e) {
                throw new EmbeddingException(file + ": dimension '" + all.get("dimension") + "' is not a number", e);
            }
        }
        Pooling pooling = Pooling.AUTO;
        if (present(all, "pooling")) {
            try {
                pooling = Pooling.valueOf(all.get("pooling").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new EmbeddingException(file + ": pooling '" + all.get("pooling")
                        + "' is not one of none, avg, max, gem, auto", e);
            }
        }
        if (!present(all, "preset") && !present(all, PIPELINE_KEY)) {
            throw new EmbeddingException(file + " has no 'preset' (one of "
                    + String.join(", ", Pipeline.presetNames()) + ") and no '" + PIPELINE_KEY + "'");
        }
        ModelDescriptor d = new ModelDescriptor(directory, name, model, opt(all, "sha256"), dimension,
                opt(all, "output"), pooling, all.getOrDefault("preset", CUSTOM), opt(all, "labels")
                .map(directory::resolve), opt(all, "classifier.output"), all.getOrDefault("description", ""), all);
        if (present(all, PIPELINE_KEY)) {
            d.pipeline(); // refuse a bad pipeline now, naming the file
        }
        d.gemP(); // refuse bad GeM and whitening keys now, naming the file
        d.whiteningDimension();
        if (present(all, WHITENING_KEY) && !present(all, WHITENING_SHA256_KEY)) {
            throw new EmbeddingException(file + ": '" + WHITENING_KEY + "' needs '" + WHITENING_SHA256_KEY
                    + "' (the whitening file's SHA-256)");
        }
        if (!present(all, WHITENING_KEY) && (present(all, WHITENING_SHA256_KEY)
                || present(all, WHITENING_DIMENSION_KEY))) {
            throw new EmbeddingException(file + ": '" + WHITENING_SHA256_KEY + "' or '" + WHITENING_DIMENSION_KEY
                    + "' without '" + WHITENING_KEY + "' (the whitening file)");
        }
        return d;
    }

    /** The key of GeM pooling's exponent. */
    public static final String GEM_P_KEY = "pooling.p";
    /** The key of the whitening file (see {@link Whitening}). */
    public static final String WHITENING_KEY = "whitening";
    /** The key of the whitening file's SHA-256, required with {@value #WHITENING_KEY}. */
    public static final String WHITENING_SHA256_KEY = "whitening.sha256";
    /** The key of the number of whitening rows kept (the output dimension); default all. */
    public static final String WHITENING_DIMENSION_KEY = "whitening.dimension";

    /**
     * GeM pooling's exponent {@value #GEM_P_KEY} (default {@link EmbeddingHead#DEFAULT_GEM_P}).
     *
     * @throws EmbeddingException naming the file if it is not a number in (0, 16]
     */
    public double gemP() {
        String v = properties.get(GEM_P_KEY);
        if (v == null || v.isEmpty()) {
            return EmbeddingHead.DEFAULT_GEM_P;
        }
        double p = number(GEM_P_KEY, v);
        if (!EmbeddingHead.validGemP(p)) {
            throw new EmbeddingException(directory.resolve(FILE_NAME) + ": " + GEM_P_KEY + " " + v
                    + " is not in (0, " + (int) EmbeddingHead.MAX_GEM_P + "]");
        }
        return p;
    }

    private int whiteningDimension() {
        String v = properties.get(WHITENING_DIMENSION_KEY);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            int k = Integer.parseInt(v);
            if (k > 0) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EmbeddingException(directory.resolve(FILE_NAME) + ": " + WHITENING_DIMENSION_KEY + " '" + v
                + "' is not a positive whole number");
    }

    /**
     * The learned whitening named by {@value #WHITENING_KEY}, read and checked against
     * {@value #WHITENING_SHA256_KEY}, keeping {@value #WHITENING_DIMENSION_KEY} rows; empty without one.
     *
     * @throws EmbeddingException naming the file if it is missing, has another hash, or is damaged
     */
    public Optional<Whitening> whitening() {
        if (!present(properties, WHITENING_KEY)) {
            return Optional.empty();
        }
        return Optional.of(Whitening.read(directory.resolve(properties.get(WHITENING_KEY)),
                properties.get(WHITENING_SHA256_KEY), whiteningDimension()));
    }

    private static final String CUSTOM = "custom";

    /**
     * The preprocessing: {@code preprocess.pipeline} when given, else the built-in preset named {@code preset}.
     *
     * @throws EmbeddingException naming the file if the pipeline does not parse, the preset is unknown, or a
     *                            built-in preset's name comes with another pipeline
     */
    public Pipeline pipeline() {
        Path file = directory.resolve(FILE_NAME);
        String text = properties.get(PIPELINE_KEY);
        try {
            if (text == null || text.isEmpty()) {
                return Pipeline.preset(preset);
            }
            Pipeline p = Pipeline.parse(text);
            if (Pipeline.presetNames().contains(preset)
                    && !Pipeline.preset(preset).withLayout(p.layout()).equals(p)) {
                throw new IllegalArgumentException("preset '" + preset + "' is a built-in pipeline ("
                        + Pipeline.preset(preset).describe() + ") but " + PIPELINE_KEY + " says " + p.describe()
                        + "; give this pipeline another name");
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new EmbeddingException(file + ": " + e.getMessage(), e);
        }
    }

    /** The class names of {@link #labels()}, one per line (trimmed), or an empty list when there is no file. */
    public List<String> readLabels() {
        if (labels.isEmpty()) {
            return List.of();
        }
        try {
            return Files.readAllLines(labels.get(), StandardCharsets.UTF_8).stream().map(String::trim).toList();
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read labels " + labels.get() + " of model " + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** Key of the calibrated duplicate threshold (a cosine similarity, see {@link #duplicateThreshold()}). */
    public static final String DUPLICATES_THRESHOLD = "duplicates.threshold";

    /**
     * The optional {@value #DUPLICATES_THRESHOLD}: the cosine similarity from which two of this model's vectors
     * count as duplicates, calibrated on a labelled set (docs/EVALUATION.md, {@code imagesearch duplicates
     * --calibrate}).
     *
     * @throws EmbeddingException if the value is not a number in [-1, 1]
     */
    public java.util.OptionalDouble duplicateThreshold() {
        if (!present(properties, DUPLICATES_THRESHOLD)) {
            return java.util.OptionalDouble.empty();
        }
        String v = properties.get(DUPLICATES_THRESHOLD);
        double t = number(DUPLICATES_THRESHOLD, v);
        if (!(t >= -1 && t <= 1)) {
            throw new EmbeddingException(directory.resolve(FILE_NAME) + ": " + DUPLICATES_THRESHOLD + " " + v
                    + " is not a cosine similarity in [-1, 1]");
        }
        return java.util.OptionalDouble.of(t);
    }

    /** {@code v}, the value of {@code key}, as a number; else one error naming the file and the key. */
    private double number(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new EmbeddingException(directory.resolve(FILE_NAME) + ": " + key + " '" + v + "' is not a number",
                    e);
        }
    }

    private static boolean present(Map<String, String> all, String key) {
        return all.containsKey(key) && !all.get(key).isEmpty();
    }

    private static Optional<String> opt(Map<String, String> all, String key) {
        return present(all, key) ? Optional.of(all.get(key)) : Optional.empty();
    }
}
