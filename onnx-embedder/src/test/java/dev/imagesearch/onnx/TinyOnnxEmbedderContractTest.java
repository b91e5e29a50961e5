package dev.imagesearch.onnx;

import dev.imagesearch.contract.EmbedderContract;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.onnx.preprocess.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared embedder contract on a tiny generated ONNX model (a feature map average-pooled to 3 values), so the
 * contract runs in the unit tests too; {@link OnnxEmbedderContractIT} runs it on a real model.
 */
class TinyOnnxEmbedderContractTest extends EmbedderContract {

    private static final Pipeline PIPELINE = Pipeline.parse("resize-shorter 12 bilinear | center-crop 8x8"
            + " | normalize scale=1/255 mean=0.5,0.5,0.5 std=0.25,0.25,0.25 | to-tensor auto");

    private static Path dir;
    private static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        dir = Files.createTempDirectory("tiny-onnx-contract");
        model = TinyOnnx.write(dir.resolve("tiny.onnx"), TinyOnnx.FLOAT, -1, 3, 8, 8);
    }

    @AfterAll
    static void deleteModel() throws IOException {
        Files.deleteIfExists(model);
        Files.deleteIfExists(dir);
    }

    @Override
    protected Embedder newEmbedder() {
        return OnnxEmbedder.builder(model).pipeline(PIPELINE).batchSize(2).build();
    }

    @Override
    protected Embedder newEmbedderWithOtherSettings() {
        return OnnxEmbedder.builder(model).pipeline(PIPELINE).batchSize(2).pooling(Pooling.MAX).build();
    }
}
