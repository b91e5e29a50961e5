package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GeM pooling: the math by hand, then through a tiny real ONNX model whose "map" output is the input pixels. */
class GemPoolingTest {

    @TempDir
    Path dir;

    /** Positions x channels: channel 0 takes 1, 3; channel 1 takes 2, 2; channel 2 takes 0.5, 4.5. */
    private static final float[][] GRID = {{1f, 2f, 0.5f}, {3f, 2f, 4.5f}};

    @Test
    void pOneIsAveragePooling() {
        float[] gem = EmbeddingHead.gem(GRID, 1);
        float[] avg = EmbeddingHead.reduce(GRID, Pooling.AVG);
        assertThat(gem).containsExactly(avg);
        assertThat(gem).containsExactly(2f, 2f, 2.5f);
    }

    @Test
    void knownValues() {
        float[] p2 = EmbeddingHead.gem(GRID, 2);
        assertThat((double) p2[0]).isCloseTo(Math.sqrt((1 + 9) / 2.0), within(1e-6));
        assertThat((double) p2[1]).isCloseTo(2, within(1e-6)); // a constant channel stays itself for every p
        float[] p3 = EmbeddingHead.gem(GRID, 3);
        assertThat((double) p3[0]).isCloseTo(Math.cbrt((1 + 27) / 2.0), within(1e-6));
        assertThat((double) p3[2]).isCloseTo(Math.cbrt((0.125 + 91.125) / 2), within(1e-5));
        float[] p4 = EmbeddingHead.gem(GRID, 4);
        assertThat((double) p4[0]).isCloseTo(Math.pow((1 + 81) / 2.0, 0.25), within(1e-6));
        // a non-integer p goes through Math.pow
        float[] p25 = EmbeddingHead.gem(GRID, 2.5);
        assertThat((double) p25[0]).isCloseTo(Math.pow((1 + Math.pow(3, 2.5)) / 2, 1 / 2.5), within(1e-6));
        // between average (p = 1) and max (p -> infinity), growing with p
        assertThat(p2[0]).isGreaterThan(2f).isLessThan(p3[0]);
        assertThat(p4[0]).isGreaterThan(p3[0]).isLessThan(3f);
        assertThat(EmbeddingHead.gem(GRID, 16)[0]).isCloseTo(3f * (float) Math.pow(0.5, 1 / 16.0), within(1e-5f));
    }

    @Test
    void activationsAreClampedAtEpsilon() {
        float[][] grid = {{0f, -5f}, {0f, 4f}};
        float[] v = EmbeddingHead.gem(grid, 3);
        assertThat(v[0]).isCloseTo(EmbeddingHead.GEM_EPS, within(1e-12f));
        assertThat((double) v[1]).isCloseTo(Math.cbrt((1e-18 + 64) / 2), within(1e-6));
        assertThat(Float.isNaN(EmbeddingHead.gem(grid, 2.5)[1])).isFalse();
    }

    @Test
    void fingerprintNamesTheExponent() {
        assertThat(EmbeddingHead.formatP(3)).isEqualTo("3");
        assertThat(EmbeddingHead.formatP(2.5)).isEqualTo("2.5");
    }

    private static final Preprocessing RAW8 = Preprocessing.builder().size(8, 8).build();

    /** Top half white, bottom half black: each channel's map is 255 on half the positions, 0 on the rest. */
    private static BufferedImage half() {
        BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                im.setRGB(x, y, 0xFFFFFF);
            }
        }
        return im;
    }

    private OnnxEmbedder.Builder tiny() throws Exception {
        return OnnxEmbedder.builder(TinyOnnx.write(dir.resolve("tiny.onnx"), TinyOnnx.FLOAT, -1, 3, 8, 8))
                .preprocessing(RAW8).normalize(false);
    }

    @Test
    void realModelMapIsGemPooledAndTheExponentIsInTheFingerprint() throws Exception {
        try (OnnxEmbedder avg = tiny().pooling(Pooling.AVG).build();
             OnnxEmbedder gem1 = tiny().pooling(Pooling.GEM).gemP(1).build();
             OnnxEmbedder gem3 = tiny().pooling(Pooling.GEM).build();
             OnnxEmbedder gem2 = tiny().pooling(Pooling.GEM).gemP(2).build()) {
            assertThat(avg.embed(half())).containsExactly(127.5f, 127.5f, 127.5f);
            assertThat(gem1.embed(half())[0]).isCloseTo(127.5f, within(1e-5f));
            assertThat((double) gem3.embed(half())[0]).isCloseTo(255 * Math.cbrt(0.5), within(1e-3));
            assertThat((double) gem2.embed(half())[1]).isCloseTo(255 * Math.sqrt(0.5), within(1e-3));
            assertThat(gem3.fingerprint()).contains(";pooling=gem3;").isNotEqualTo(gem2.fingerprint());
            assertThat(gem2.fingerprint()).contains(";pooling=gem2;");
            assertThat(gem1.fingerprint()).isNotEqualTo(avg.fingerprint());
            assertThat(avg.fingerprint()).contains(";pooling=avg;");
        }
    }

    @Test
    void badExponentsAreRefused() throws Exception {
        assertThatThrownBy(() -> tiny().gemP(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tiny().gemP(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tiny().gemP(17)).isInstanceOf(IllegalArgumentException.class);
    }

    static final String PIPELINE8 = "preprocess.pipeline=resize 8x8 bilinear | channels rgb | normalize scale=1 "
            + "mean=0,0,0 std=1,1,1 | to-tensor nchw\n";

    @Test
    void modelPropertiesChooseGemAndItsExponent() throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        TinyOnnx.write(m.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 3, 8, 8);
        Files.writeString(m.resolve("model.properties"), "name=m\noutput=map\npooling=gem\npooling.p=2\n"
                + PIPELINE8);
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(m)) {
            assertThat(e.fingerprint()).contains(";pooling=gem2;");
            assertThat(e.dimension()).isEqualTo(3);
        }
        Files.writeString(m.resolve("model.properties"), "name=m\noutput=map\npooling=gem\n" + PIPELINE8);
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(m)) {
            assertThat(e.fingerprint()).contains(";pooling=gem3;"); // the documented default
        }
        Files.writeString(m.resolve("model.properties"), "name=m\noutput=map\npooling=gem\npooling.p=x\n"
                + PIPELINE8);
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("pooling.p 'x' is not a number");
        Files.writeString(m.resolve("model.properties"), "name=m\noutput=map\npooling=gem\npooling.p=-1\n"
                + PIPELINE8);
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("pooling.p -1 is not in (0, 16]");
    }
}
