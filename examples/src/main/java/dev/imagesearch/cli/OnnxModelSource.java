package dev.imagesearch.cli;

import dev.imagesearch.embed.Embedder;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Models from the ONNX model catalog ({@code <cache>/models/<name>/model.onnx + model.properties}). */
final class OnnxModelSource implements ModelSource {

    @Override
    public Path defaultDirectory() {
        String cache = System.getenv("IMAGESEARCH_CACHE");
        return (cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "imagesearch")
                : Path.of(cache)).resolve("models");
    }

    @Override
    public Embedder load(Path directory, String nameOrPath, String preset) {
        throw CliException.failure("the ONNX embedder is not merged yet", null); // TODO(wt-onnx)
    }

    /** Reads each {@code model.properties} directly: listing must not load (and validate) every model. */
    @Override
    public List<ModelInfo> list(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<ModelInfo> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(directory)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path props = dir.resolve("model.properties");
                if (!Files.isRegularFile(props)) {
                    continue;
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                int dimension;
                try {
                    dimension = Integer.parseInt(p.getProperty("dimension", "0").trim());
                } catch (NumberFormatException e) {
                    dimension = 0;
                }
                out.add(new ModelInfo(p.getProperty("name", dir.getFileName().toString()).trim(), dimension,
                        p.getProperty("preset", "").trim(), dir, p.getProperty("description", "").trim()));
            }
        } catch (IOException e) {
            throw CliException.failure("cannot list models in " + directory + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(ModelInfo::name));
        return out;
    }
}
