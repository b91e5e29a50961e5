package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Pipeline;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.properties describing the preprocessing as data ({@code preprocess.pipeline}) next to, or without, a preset. */
class ModelDescriptorPipelineTest {

    @TempDir
    Path root;

    private Path model(String name, String preprocessing) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        TinyOnnx.write(dir.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 3, -2, -3);
        Files.writeString(dir.resolve("model.properties"), "name=" + name + "\nfile=model.onnx\nsha256="
                + OnnxModel.sha256(dir.resolve("model.onnx")) + "\ndimension=3\noutput=map\npooling=avg\n"
                + preprocessing);
        return dir;
    }

    @Test
    void aPresetSpelledOutAsDataGivesTheSameFingerprintAndVectors() throws Exception {
        Path named = model("named", "preset=keras-tf\n");
        Path data = model("data", "preset=keras-tf\npreprocess.pipeline=resize 224x224 nearest | channels rgb"
                + " | normalize scale=1/127.5 mean=1,1,1 std=1,1,1 | to-tensor nchw\n");
        BufferedImage im = OnnxEmbedderTest.solid(300, 200, 0x405060);
        try (OnnxEmbedder a = OnnxEmbedder.fromDirectory(named); OnnxEmbedder b = OnnxEmbedder.fromDirectory(data)) {
            assertThat(b.fingerprint().replace("data@", "named@")).isEqualTo(a.fingerprint());
            assertThat(b.embed(im)).containsExactly(a.embed(im));
            assertThat(b.preprocessing()).isEqualTo(a.preprocessing());
        }
    }

    @Test
    void aCustomPipelineNeedsNoPresetAndHasItsOwnId() throws Exception {
        Path dir = model("custom", "preprocess.pipeline=center-crop 64x64 | resize 32x32 bilinear"
                + " | normalize scale=1/255 mean=0,0,0 std=1,1,1 | to-tensor auto\n");
        ModelDescriptor d = ModelDescriptor.read(dir);
        assertThat(d.preset()).isEqualTo("custom");
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(dir)) {
            assertThat(e.info().width()).isEqualTo(32);
            assertThat(e.fingerprint()).endsWith(";pre2:center-crop 64x64 | resize 32x32 bilinear | normalize "
                    + "scale=0.00392156862745098 mean=0,0,0 std=1,1,1 | to-tensor nchw");
            assertThat(e.minimumInputSide()).isZero(); // cropping first needs the full resolution
            float[] v = e.embed(OnnxEmbedderTest.solid(100, 80, 0xFF0000));
            assertThat(v[0]).isEqualTo(1f); // red only, L2-normalised
            assertThatThrownBy(() -> e.embed(OnnxEmbedderTest.solid(50, 80, 0))).hasMessageContaining("50x80");
        }
    }

    @Test
    void badOrContradictoryPipelinesAreClearErrors() throws Exception {
        Path bad = model("bad", "preset=keras-tf\npreprocess.pipeline=resize 224x224 nearest | blur 2 | to-tensor auto\n");
        assertThatThrownBy(() -> ModelDescriptor.read(bad)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining(bad.resolve("model.properties").toString())
                .hasMessageContaining("unknown step 'blur'");
        Path clash = model("clash", "preset=keras-tf\npreprocess.pipeline=resize 224x224 bilinear | to-tensor auto\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(clash)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("preset 'keras-tf' is a built-in pipeline")
                .hasMessageContaining(Pipeline.preset("keras-tf").describe());
        Path neither = model("neither", "");
        assertThatThrownBy(() -> ModelDescriptor.read(neither)).hasMessageContaining("no 'preset'")
                .hasMessageContaining("preprocess.pipeline");
    }
}
