package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Embedding properties on the real provisioned models and photos. */
class RealModelEmbeddingIT {

    private final ImageDecoder decoder = new ImageDecoder();

    private BufferedImage photo(String p) throws Exception {
        return decoder.decode(TestResources.photo(p));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void efficientNetEmbeddingsAreDeterministicNormalisedAndBatchInvariant() throws Exception {
        try (OnnxEmbedder e = ModelCatalog.at(TestResources.cache().resolve("models")).load("efficientnet-lite0")) {
            assertThat(e.dimension()).isEqualTo(1280);
            assertThat(e.info().layout()).isEqualTo(Layout.NCHW);
            BufferedImage dog = photo("darknet/dog.jpg");
            BufferedImage eagle = photo("darknet/eagle.jpg");
            BufferedImage squirrel = photo("opencv/squirrel_cls.jpg");
            float[] a = e.embed(dog);
            assertThat(e.embed(dog)).containsExactly(a);
            assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            List<float[]> batch = e.embedBatch(List.of(eagle, dog, squirrel));
            assertThat(maxDiff(batch.get(1), a)).isLessThan(1e-5);
            assertThat(maxDiff(batch.get(0), e.embed(eagle))).isLessThan(1e-5);
            // A slightly cropped copy stays closer than an unrelated photo.
            int w = dog.getWidth();
            int h = dog.getHeight();
            BufferedImage cropped = dog.getSubimage(w / 20, h / 20, w - w / 10, h - h / 10);
            double same = dot(a, e.embed(cropped));
            double other = dot(a, batch.get(0));
            System.out.printf("efficientnet-lite0: cos(dog, cropped dog) %.4f, cos(dog, eagle) %.4f%n", same, other);
            assertThat(same).isGreaterThan(other);
            assertThat(same).isGreaterThan(0.8);
        }
    }

    @Test
    void paddleTextlineModelLoadsAndBatches() throws Exception {
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(TestResources.model("paddle-textline-cls"))) {
            assertThat(e.info().inputName()).isEqualTo("x");
            assertThat(e.info().width()).isEqualTo(192);
            assertThat(e.info().height()).isEqualTo(48);
            assertThat(e.dimension()).isEqualTo(2);
            BufferedImage a = photo("darknet/dog.jpg");
            BufferedImage b = photo("opencv/squirrel_cls.jpg");
            List<float[]> batch = e.embedBatch(List.of(a, b, a));
            assertThat(maxDiff(batch.get(0), e.embed(a))).isLessThan(1e-5);
            assertThat(maxDiff(batch.get(1), e.embed(b))).isLessThan(1e-5);
            assertThat(batch.get(2)).containsExactly(batch.get(0));
            float[] probs = e.run(a, "softmax_0.tmp_0");
            assertThat(probs[0] + probs[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThatThrownBy(() -> OnnxEmbedder.builder(
                TestResources.model("paddle-textline-cls").resolve("model.onnx"))
                .preprocessing(dev.imagesearch.onnx.preprocess.Preprocessing.preset("paddle-cls"))
                .outputName("features").build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("softmax_0.tmp_0");
        assertThatThrownBy(() -> OnnxEmbedder.builder(
                TestResources.model("paddle-textline-cls").resolve("model.onnx"))
                .preprocessing(dev.imagesearch.onnx.preprocess.Preprocessing.preset("paddle-cls")
                        .withLayout(Layout.NHWC)).build())
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("does not match input 'x'");
    }

    @Test
    void nsfwjsMobileNetIsNhwc() throws Exception {
        try (OnnxEmbedder e = OnnxEmbedder.fromDirectory(TestResources.model("mobilenet-v2-nsfwjs"))) {
            assertThat(e.info().layout()).isEqualTo(Layout.NHWC);
            assertThat(e.dimension()).isEqualTo(1280);
            float[] probs = e.run(photo("darknet/dog.jpg"), "probabilities");
            assertThat(probs).hasSize(5);
            System.out.println("nsfwjs probabilities for darknet/dog.jpg: " + java.util.Arrays.toString(probs));
        }
    }
}
