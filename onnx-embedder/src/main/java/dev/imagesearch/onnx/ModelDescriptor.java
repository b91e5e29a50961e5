package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
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
 * {@code output}, {@code pooling} ({@code none|avg|max}), {@code preset}, and optionally {@code labels} (path of
 * the class names, one a line), {@code classifier.output}, {@code description}, {@code source}, {@code license}.
 * Relative paths resolve against the model's directory.
 *
 * @param directory        the model directory
 * @param name             model name (default: the directory name)
 * @param modelFile        the ONNX file ({@code file}, default {@code model.onnx})
 * @param sha256           expected SHA-256 of the model file, checked when the model is loaded
 * @param dimension        expected embedding dimension, checked when the model is loaded (0: not given)
 * @param output           output to embed from (empty: the first)
 * @param pooling          pooling of a 4-D output (default {@link Pooling#AUTO})
 * @param preset           preprocessing preset name (required)
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
                        + "' is not one of none, avg, max, auto", e);
            }
        }
        if (!present(all, "preset")) {
            throw new EmbeddingException(file + " has no 'preset' (one of "
                    + String.join(", ", dev.imagesearch.onnx.preprocess.Preprocessing.presetNames()) + ")");
        }
        return new ModelDescriptor(directory, name, model, opt(all, "sha256"), dimension, opt(all, "output"),
                pooling, all.get("preset"), opt(all, "labels").map(directory::resolve),
                opt(all, "classifier.output"), all.getOrDefault("description", ""), all);
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
        double t;
        try {
            t = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new EmbeddingException(directory.resolve(FILE_NAME) + ": " + DUPLICATES_THRESHOLD + " '" + v
                    + "' is not a number", e);
        }
        if (!(t >= -1 && t <= 1)) {
            throw new EmbeddingException(directory.resolve(FILE_NAME) + ": " + DUPLICATES_THRESHOLD + " " + v
                    + " is not a cosine similarity in [-1, 1]");
        }
        return java.util.OptionalDouble.of(t);
    }

    private static boolean present(Map<String, String> all, String key) {
        return all.containsKey(key) && !all.get(key).isEmpty();
    }

    private static Optional<String> opt(Map<String, String> all, String key) {
        return present(all, key) ? Optional.of(all.get(key)) : Optional.empty();
    }
}
