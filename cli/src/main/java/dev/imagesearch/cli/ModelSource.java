package dev.imagesearch.cli;

import dev.imagesearch.embed.Embedder;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the CLI gets its models: the ONNX model catalog in production ({@link OnnxModelSource}), a fake in unit
 * tests.
 */
public interface ModelSource {

    /** The catalog directory used when {@code --model-dir} is not given. */
    Path defaultDirectory();

    /**
     * Loads a model by catalog name or by path (a model directory or an {@code .onnx} file).
     *
     * @param directory  the catalog directory to look names up in
     * @param nameOrPath a name from {@link #list} or a path
     * @param preset     preprocessing preset for a bare {@code .onnx} file, or null to use the model's own
     * @throws CliException naming the available models when {@code nameOrPath} is unknown
     */
    Embedder load(Path directory, String nameOrPath, String preset);

    /** The provisioned models in {@code directory}, sorted by name; empty when there are none. */
    List<ModelInfo> list(Path directory);

    /**
     * One provisioned model.
     *
     * @param name        catalog name
     * @param dimension   length of its vectors
     * @param preset      preprocessing preset
     * @param path        the model directory
     * @param description one line about the model, possibly empty
     */
    record ModelInfo(String name, int dimension, String preset, Path path, String description) {
    }
}
