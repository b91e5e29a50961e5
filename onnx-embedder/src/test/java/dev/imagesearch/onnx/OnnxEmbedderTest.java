package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.ChannelOrder;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OnnxEmbedder on tiny generated models: an Identity output (4-D, pooled) and a Flatten output (2-D). */
class OnnxEmbedderTest {

    @TempDir
    Path dir;

    /** 8×8, pixel values unchanged (scale 1, mean 0, std 1), so pooled outputs are channel statistics. */
    private static final Preprocessing RAW8 = Preprocessing.builder().size(8, 8).build();

    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, rgb);
            }
        }
        return im;
    }

    private OnnxEmbedder.Builder tiny(long... shape) throws Exception {
        return OnnxEmbedder.builder(TinyOnnx.write(dir.resolve("tiny.onnx"), TinyOnnx.FLOAT, shape));
    }

    @Test
    void nchwFeatureMapIsAveragePooledOverSpatialAxes() throws Exception {
        try (OnnxEmbedder e = tiny(-1, 3, 8, 8).preprocessing(RAW8).normalize(false).build()) {
            assertThat(e.info().layout()).isEqualTo(Layout.NCHW);
            assertThat(e.info().inputName()).isEqualTo("x");
            assertThat(e.info().outputName()).isEqualTo("map");
            assertThat(e.info().outputs()).containsOnlyKeys("map", "flat");
            assertThat(e.dimension()).isEqualTo(3);
            assertThat(e.name()).isEqualTo("tiny");
            assertThat(e.embed(solid(20, 10, 0x102030))).containsExactly(16f, 32f, 48f);
        }
    }

    @Test
    void nhwcModelsGetNhwcTensorsAndPoolOverAxes1And2() throws Exception {
        Preprocessing bgr = RAW8.toBuilder().channelOrder(ChannelOrder.BGR).build();
        try (OnnxEmbedder e = tiny(-1, 8, 8, 3).preprocessing(bgr).normalize(false).build()) {
            assertThat(e.info().layout()).isEqualTo(Layout.NHWC);
            assertThat(e.embed(solid(9, 9, 0x102030))).containsExactly(48f, 32f, 16f);
            float[] flat = e.run(solid(9, 9, 0x102030), "flat");
            assertThat(flat).hasSize(192);
            assertThat(new float[] {flat[0], flat[1], flat[2], flat[3]}).containsExactly(48f, 32f, 16f, 48f);
        }
    }

    @Test
    void maxPoolingAndL2Normalisation() throws Exception {
        BufferedImage half = solid(8, 8, 0x000000);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                half.setRGB(x, y, 0xFFFFFF);
            }
        }
        try (OnnxEmbedder max = tiny(-1, 3, 8, 8).preprocessing(RAW8).pooling(Pooling.MAX).normalize(false).build();
             OnnxEmbedder avg = tiny(-1, 3, 8, 8).preprocessing(RAW8).build()) {
            assertThat(max.embed(half)).containsExactly(255f, 255f, 255f);
            float[] v = avg.embed(solid(8, 8, 0x030004));
            assertThat(v[0]).isCloseTo(0.6f, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(v[1]).isZero();
            assertThat(v[2]).isCloseTo(0.8f, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void twoDimensionalOutputIsUsedAsIs() throws Exception {
        try (OnnxEmbedder e = tiny(-1, 3, 8, 8).preprocessing(RAW8).outputName("flat").normalize(false).build()) {
            assertThat(e.dimension()).isEqualTo(192);
            float[] v = e.embed(solid(8, 8, 0x010203));
            assertThat(v[0]).isEqualTo(1f);
            assertThat(v[64]).isEqualTo(2f);
            assertThat(v[191]).isEqualTo(3f);
        }
    }

    @Test
    void batchesEqualSingleImagesAndLargeBatchesAreSplit() throws Exception {
        try (OnnxEmbedder e = tiny(-1, 3, 8, 8).preprocessing(RAW8).outputName("flat").batchSize(3).build()) {
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                images.add(solid(5 + i, 7, 0x010101 * (10 + 30 * i)));
            }
            List<float[]> batch = e.embedBatch(images);
            assertThat(batch).hasSize(7);
            for (int i = 0; i < 7; i++) {
                assertThat(batch.get(i)).containsExactly(e.embed(images.get(i)));
            }
            assertThat(e.preferredBatchSize()).isEqualTo(3);
        }
    }

    @Test
    void fixedBatchOfOneRunsImagesOneByOne() throws Exception {
        try (OnnxEmbedder e = tiny(1, 3, 8, 8).preprocessing(RAW8).normalize(false).batchSize(8).build()) {
            assertThat(e.preferredBatchSize()).isEqualTo(1);
            assertThat(e.info().fixedBatch()).isEqualTo(1);
            List<float[]> out = e.embedBatch(List.of(solid(8, 8, 0x010203), solid(8, 8, 0x040506)));
            assertThat(out.get(0)).containsExactly(1f, 2f, 3f);
            assertThat(out.get(1)).containsExactly(4f, 5f, 6f);
        }
    }

    @Test
    void dynamicSpatialDimensionsTakeThePreprocessingSize() throws Exception {
        try (OnnxEmbedder e = tiny(-1, 3, -2, -3).preprocessing(RAW8).outputName("flat").build()) {
            assertThat(e.info().width()).isEqualTo(8);
            assertThat(e.dimension()).isEqualTo(192);
        }
    }

    @Test
    void fixedSizeDifferentFromThePreprocessingIsAClearError() throws Exception {
        assertThatThrownBy(() -> tiny(-1, 3, 16, 16).preprocessing(RAW8).build())
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("Input 'x'").hasMessageContaining("[-1, 3, 16, 16]")
                .hasMessageContaining("8x8");
    }

    @Test
    void inputThatIsNotAnImageTensorIsOneClearError() throws Exception {
        assertThatThrownBy(() -> tiny(-1, 5).preprocessing(RAW8).build())
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("Input 'x'").hasMessageContaining("[-1, 5]");
        assertThatThrownBy(() -> tiny(-1, 4, 8, 8).preprocessing(RAW8).build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("[-1, 4, 8, 8]");
        Path ints = TinyOnnx.write(dir.resolve("int.onnx"), TinyOnnx.INT64, -1, 3, 8, 8);
        assertThatThrownBy(() -> OnnxEmbedder.builder(ints).preprocessing(RAW8).build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("INT64")
                .hasMessageContaining("[-1, 3, 8, 8]");
    }

    @Test
    void unknownOutputNameListsTheOutputs() throws Exception {
        assertThatThrownBy(() -> tiny(-1, 3, 8, 8).preprocessing(RAW8).outputName("logits").build())
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("no output 'logits'").hasMessageContaining("map").hasMessageContaining("flat");
        try (OnnxEmbedder e = tiny(-1, 3, 8, 8).preprocessing(RAW8).build()) {
            assertThatThrownBy(() -> e.run(solid(8, 8, 0), "nope"))
                    .isInstanceOf(EmbeddingException.class).hasMessageContaining("map [-1, 3, 8, 8]");
        }
    }

    @Test
    void poolingNoneOnAFeatureMapIsRefused() throws Exception {
        assertThatThrownBy(() -> tiny(-1, 3, 8, 8).preprocessing(RAW8).pooling(Pooling.NONE).build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("pooling is NONE");
    }

    @Test
    void missingPreprocessingOrFileAreClearErrors() throws Exception {
        assertThatThrownBy(() -> tiny(-1, 3, 8, 8).build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("keras-caffe");
        assertThatThrownBy(() -> OnnxEmbedder.builder(dir.resolve("absent.onnx")).preprocessing(RAW8).build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("absent.onnx");
    }

    @Test
    void fingerprintNamesModelHashOutputAndPreprocessing() throws Exception {
        try (OnnxEmbedder a = tiny(-1, 3, 8, 8).preprocessing(RAW8).build();
             OnnxEmbedder b = tiny(-1, 3, 8, 8).preprocessing(RAW8.toBuilder().scale(2).build()).build()) {
            assertThat(a.fingerprint()).startsWith("tiny@sha256:" + a.modelSha256())
                    .contains("output=map").contains(a.preprocessing().id());
            assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
            assertThat(a.minimumInputSide()).isEqualTo(8);
        }
    }

    @Test
    void concurrentEmbedsGiveTheSameResultsAsSequentialOnes() throws Exception {
        try (OnnxEmbedder e = tiny(-1, 3, 8, 8).preprocessing(RAW8).outputName("flat").batchSize(2).build()) {
            List<BufferedImage> images = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                images.add(solid(8 + i, 8, 0x030201 * (i + 1)));
                expected.add(e.embed(images.get(i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Boolean>> futures = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    futures.add(pool.submit(() -> {
                        for (int round = 0; round < 30; round++) {
                            List<float[]> got = e.embedBatch(images);
                            for (int i = 0; i < images.size(); i++) {
                                if (!java.util.Arrays.equals(got.get(i), expected.get(i))) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : futures) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closedEmbedderRefusesWork() throws Exception {
        OnnxEmbedder e = tiny(-1, 3, 8, 8).preprocessing(RAW8).build();
        e.close();
        e.close(); // idempotent
        assertThatThrownBy(() -> e.embed(solid(8, 8, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
