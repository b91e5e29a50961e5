package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flip averaging on a tiny model whose "flat" output is the input pixels: checkable by hand. */
class FlipAverageTest {

    @TempDir
    Path dir;

    private static final Preprocessing RAW4 = Preprocessing.builder().size(4, 4).build();

    /** Left half dark, right half bright: not symmetric. */
    private static BufferedImage halves() {
        BufferedImage im = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                im.setRGB(x, y, x < 2 ? 0x101010 : 0xf0e0d0);
            }
        }
        return im;
    }

    private OnnxEmbedder.Builder tiny() throws Exception {
        return OnnxEmbedder.builder(TinyOnnx.write(dir.resolve("tiny.onnx"), TinyOnnx.FLOAT, -1, 3, 4, 4))
                .preprocessing(RAW4).outputName("flat");
    }

    @Test
    void theVectorOfAnImageAndOfItsMirrorAreTheSameWithFlipAveraging() throws Exception {
        BufferedImage img = halves();
        BufferedImage mirrored = FlipAverage.mirror(img);
        assertThat(mirrored.getRGB(0, 0)).isEqualTo(0xfff0e0d0);
        assertThat(mirrored.getRGB(3, 0)).isEqualTo(0xff101010);
        try (OnnxEmbedder plain = tiny().build(); OnnxEmbedder flip = tiny().flipAverage(true).build()) {
            float[] a = plain.embed(img);
            float[] b = plain.embed(mirrored);
            assertThat(dot(a, b)).isLessThan(0.9); // without it, a mirror image is far
            float[] fa = flip.embed(img);
            float[] fb = flip.embed(mirrored);
            assertThat(dot(fa, fb)).isCloseTo(1.0, within(1e-6));
            assertThat(dot(fa, fa)).isCloseTo(1.0, within(1e-6));
            // = normalise(a + b): both are unit vectors already
            float[] sum = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                sum[i] = a[i] + b[i];
            }
            assertThat(dot(fa, sum) / Math.sqrt(dot(sum, sum))).isCloseTo(1.0, within(1e-6));
            assertThat(flip.embedBatch(List.of(img, mirrored, img))).hasSize(3);
            assertThat(flip.fingerprint()).endsWith(";flip=avg");
            assertThat(plain.fingerprint()).doesNotContain("flip");
        }
    }

    @Test
    void modelPropertiesTurnItOn() throws Exception {
        Path model = Files.createDirectories(dir.resolve("m"));
        TinyOnnx.write(model.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 224, 224, 3);
        Files.writeString(model.resolve("model.properties"), "name=m\noutput=flat\npreset=nsfwjs\n"
                + OnnxEmbedder.FLIP_AVERAGE_KEY + "=true\n");
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(model)) {
            assertThat(e.fingerprint()).endsWith(";flip=avg");
            assertThat(e.properties()).containsEntry(OnnxEmbedder.FLIP_AVERAGE_KEY, "true");
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
