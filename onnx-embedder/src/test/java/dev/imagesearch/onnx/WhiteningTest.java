package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learned whitening: a hand-made 3 x 3 map, its file format, and the errors of bad metadata. */
class WhiteningTest {

    @TempDir
    Path dir;

    private static final float[] MEAN = {0.5f, 0f, 0f};
    /** Rows: scale the first input by 2, swap in the third, and the second minus the first. */
    private static final float[][] ROWS = {{2f, 0f, 0f}, {0f, 0f, 1f}, {-1f, 1f, 0f}};

    /** The file format of Whitening, written by hand (as scripts/models/fit_whitening.py does). */
    static byte[] file(float[] mean, float[][] rows) {
        ByteBuffer b = ByteBuffer.allocate(20 + 4 * mean.length * (1 + rows.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.put("ISWHITEN".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(mean.length).putInt(rows.length);
        for (float v : mean) {
            b.putFloat(v);
        }
        for (float[] row : rows) {
            for (float v : row) {
                b.putFloat(v);
            }
        }
        return b.array();
    }

    @Test
    void centresThenProjects() {
        Whitening w = Whitening.of(MEAN, ROWS, "x");
        // x - m = (0.5, 2, 3) -> (1, 3, 1.5)
        assertThat(w.apply(new float[] {1f, 2f, 3f})).containsExactly(1f, 3f, 1.5f);
        assertThat(w.inputDimension()).isEqualTo(3);
        assertThat(w.outputDimension()).isEqualTo(3);
        assertThatThrownBy(() -> w.apply(new float[2])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsTheFileChecksItsHashAndKeepsTheFirstRows() throws Exception {
        byte[] bytes = file(MEAN, ROWS);
        Path f = Files.write(dir.resolve("w.bin"), bytes);
        String sha = Whitening.sha256(bytes);
        Whitening all = Whitening.read(f, sha, 0);
        assertThat(all.apply(new float[] {1f, 2f, 3f})).containsExactly(1f, 3f, 1.5f);
        assertThat(all.describe()).isEqualTo("whiten=" + sha + "/3");
        Whitening two = Whitening.read(f, sha, 2);
        assertThat(two.apply(new float[] {1f, 2f, 3f})).containsExactly(1f, 3f);
        assertThat(two.describe()).isEqualTo("whiten=" + sha + "/2");

        assertThatThrownBy(() -> Whitening.read(f, "00" + sha.substring(2), 0))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("has SHA-256 " + sha);
        assertThatThrownBy(() -> Whitening.read(f, sha, 4))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("has 3 rows; cannot keep 4");
        assertThatThrownBy(() -> Whitening.read(dir.resolve("none.bin"), sha, 0))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("does not exist");
        Path cut = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Whitening.read(cut, null, 0))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("is damaged");
        Path other = Files.write(dir.resolve("other.bin"), "not a whitening file at all".getBytes());
        assertThatThrownBy(() -> Whitening.read(other, null, 0))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("no ISWHITEN header");
    }

    private static final String PIPELINE8 = GemPoolingTest.PIPELINE8;

    private Path modelDir(String extra) throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        if (!Files.exists(m.resolve("model.onnx"))) {
            TinyOnnx.write(m.resolve("model.onnx"), TinyOnnx.FLOAT, -1, 3, 8, 8);
        }
        Files.writeString(m.resolve("model.properties"), "name=m\noutput=map\npooling=avg\n" + PIPELINE8 + extra);
        return m;
    }

    private static BufferedImage solid(int rgb) {
        return OnnxEmbedderTest.solid(8, 8, rgb);
    }

    @Test
    void aModelDirectoryAppliesItsWhiteningAfterNormalisedPooling() throws Exception {
        byte[] bytes = file(MEAN, ROWS);
        Path m = modelDir("");
        Files.write(m.resolve("w.bin"), bytes);
        String sha = Whitening.sha256(bytes);
        String plainFingerprint;
        try (OnnxEmbedder plain = OnnxEmbedder.fromDirectory(m)) {
            plainFingerprint = plain.fingerprint();
        }
        modelDir("whitening=w.bin\nwhitening.sha256=" + sha + "\n");
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(m)) {
            // pixels (0, 3, 4) -> pooled (0, 3, 4) -> normalised (0, 0.6, 0.8) -> centred (-0.5, 0.6, 0.8)
            // -> projected (-1, 0.8, 1.1) -> normalised
            float[] v = e.embed(solid(0x000304));
            double n = Math.sqrt(1 + 0.64 + 1.21);
            assertThat((double) v[0]).isCloseTo(-1 / n, within(1e-6));
            assertThat((double) v[1]).isCloseTo(0.8 / n, within(1e-6));
            assertThat((double) v[2]).isCloseTo(1.1 / n, within(1e-6));
            assertThat(e.dimension()).isEqualTo(3);
            assertThat(e.fingerprint()).contains(";whiten=" + sha + "/3").isNotEqualTo(plainFingerprint);
        }
        modelDir("whitening=w.bin\nwhitening.sha256=" + sha + "\nwhitening.dimension=2\ndimension=2\n");
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(m)) {
            assertThat(e.dimension()).isEqualTo(2);
            assertThat(e.embed(solid(0x000304))).hasSize(2);
            assertThat(e.fingerprint()).contains(";whiten=" + sha + "/2");
        }
    }

    @Test
    void badWhiteningMetadataFailsWithOneClearMessage() throws Exception {
        byte[] bytes = file(MEAN, ROWS);
        String sha = Whitening.sha256(bytes);
        Path m = modelDir("");
        Files.write(m.resolve("w.bin"), bytes);

        modelDir("whitening=w.bin\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("'whitening' needs 'whitening.sha256'");
        modelDir("whitening.sha256=" + sha + "\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("without 'whitening'");
        modelDir("whitening=missing.bin\nwhitening.sha256=" + sha + "\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("missing.bin does not exist");
        modelDir("whitening=w.bin\nwhitening.sha256=" + "0".repeat(64) + "\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("expects " + "0".repeat(64));
        modelDir("whitening=w.bin\nwhitening.sha256=" + sha + "\nwhitening.dimension=0\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("whitening.dimension '0' is not a positive whole number");
        modelDir("whitening=w.bin\nwhitening.sha256=" + sha + "\nwhitening.dimension=2\ndimension=3\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("after whitening but model.properties says dimension=3");

        // a whitening fitted for another dimension
        byte[] four = file(new float[4], new float[][] {{1, 0, 0, 0}});
        Files.write(m.resolve("w4.bin"), four);
        modelDir("whitening=w4.bin\nwhitening.sha256=" + Whitening.sha256(four) + "\n");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(m)).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("gives 3 values per image but its whitening expects 4");
    }
}
