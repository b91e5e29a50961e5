package dev.imagesearch.cli;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.ModelCatalog;
import dev.imagesearch.onnx.ModelDescriptor;
import dev.imagesearch.onnx.UnknownModelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Models from the ONNX model catalog ({@code <dir>/<name>/model.properties} + the model file). */
final class OnnxModelSource implements ModelSource {

    @Override
    public Path defaultDirectory() {
        return ModelCatalog.defaultDirectory();
    }

    @Override
    public Embedder load(Path directory, String nameOrPath, String preset) {
        ModelCatalog catalog = ModelCatalog.at(directory);
        try {
            return preset == null ? catalog.load(nameOrPath) : catalog.load(nameOrPath, preset);
        } catch (UnknownModelException e) {
            throw CliException.usage(e.getMessage());
        } catch (IllegalArgumentException e) { // an unknown preset, or a malformed path
            throw CliException.usage((preset != null ? "--preset " + preset + ": " : "--model " + nameOrPath + ": ")
                    + e.getMessage());
        } catch (EmbeddingException e) { // the model exists but cannot be loaded; the message says why
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** Every model of the catalog; one with an unreadable descriptor is listed with the reason. */
    @Override
    public List<ModelInfo> list(Path directory) {
        ModelCatalog catalog = ModelCatalog.at(directory);
        List<ModelInfo> out = new ArrayList<>();
        for (String name : catalog.names()) {
            Path dir = directory.resolve(name);
            try {
                ModelDescriptor d = catalog.describe(name);
                out.add(new ModelInfo(d.name(), d.dimension(), d.preset(), dir, d.description()));
            } catch (EmbeddingException e) {
                out.add(new ModelInfo(name, 0, "(invalid: " + e.getMessage() + ")", dir, ""));
            }
        }
        return out;
    }
}
