package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.EmbeddingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibrated duplicate threshold travels with the model: {@code duplicates.threshold} in model.properties. */
class DuplicateThresholdMetadataTest {

    @TempDir
    Path root;

    private Path model(String name, String extra) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        TinyOnnx.write(dir.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 3, -2, -3);
        Files.writeString(dir.resolve("model.properties"), "name=" + name + "\nfile=model.onnx\nsha256="
                + OnnxModel.sha256(dir.resolve("model.onnx")) + "\ndimension=3\noutput=map\npooling=avg\n"
                + "preset=keras-tf\n" + extra);
        return dir;
    }

    @Test
    void theEmbedderOffersTheDescriptorsThreshold() throws Exception {
        try (OnnxEmbedder e = ModelCatalog.at(root).load(model("calibrated", "duplicates.threshold=0.61\n")
                .toString())) {
            assertThat(e.duplicateThreshold()).hasValue(0.61);
        }
        try (OnnxEmbedder e = ModelCatalog.at(root).load(model("plain", "").toString())) {
            assertThat(e.duplicateThreshold()).isEmpty();
        }
        // built from a file without a descriptor: no metadata
        try (OnnxEmbedder e = OnnxEmbedder.builder(root.resolve("plain/model.onnx")).preprocessing(
                dev.imagesearch.onnx.preprocess.Preprocessing.preset("keras-tf")).build()) {
            assertThat(e.duplicateThreshold()).isEmpty();
        }
    }

    @Test
    void aBadThresholdIsAClearError() throws Exception {
        ModelDescriptor notANumber = ModelDescriptor.read(model("nan", "duplicates.threshold=high\n"));
        assertThatThrownBy(notANumber::duplicateThreshold).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("duplicates.threshold 'high' is not a number")
                .hasMessageContaining("model.properties");
        ModelDescriptor outOfRange = ModelDescriptor.read(model("big", "duplicates.threshold=1.5\n"));
        assertThatThrownBy(outOfRange::duplicateThreshold).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("not a cosine similarity in [-1, 1]");
    }
}
