package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GeM pooling on the real provisioned efficientnet-lite0-gem (Lite0 with its pre-pool map as an output) and real
 * photos: with p = 1 it gives Lite0's average-pooled vectors, with its default p = 3 other ones, and its classifier
 * is Lite0's.
 */
class GemModelIT {

    private final ImageDecoder decoder = new ImageDecoder();
    private final ModelCatalog catalog = ModelCatalog.at(TestResources.cache().resolve("models"));

    private List<BufferedImage> photos() throws Exception {
        return List.of(decoder.decode(TestResources.photo("darknet/dog.jpg")),
                decoder.decode(TestResources.photo("darknet/eagle.jpg")),
                decoder.decode(TestResources.photo("opencv/squirrel_cls.jpg")));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void gemWithPOneIsLite0AndPThreeIsAnotherDescriptorOfTheSamePhotos() throws Exception {
        ModelDescriptor d = catalog.describe("efficientnet-lite0-gem");
        assertThat(d.pooling()).isEqualTo(Pooling.GEM);
        assertThat(d.gemP()).isEqualTo(3.0);
        List<BufferedImage> photos = photos();
        try (OnnxEmbedder lite0 = catalog.load("efficientnet-lite0");
             OnnxEmbedder gem3 = catalog.load("efficientnet-lite0-gem");
             OnnxEmbedder gem1 = OnnxEmbedder.builder(d.modelFile()).name("gem1").pipeline(d.pipeline())
                     .outputName("feature_map").pooling(Pooling.GEM).gemP(1).build()) {
            assertThat(gem3.dimension()).isEqualTo(1280);
            assertThat(gem3.fingerprint()).contains(";output=feature_map;pooling=gem3;");
            List<float[]> avg = lite0.embedBatch(photos);
            List<float[]> p1 = gem1.embedBatch(photos);
            List<float[]> p3 = gem3.embedBatch(photos);
            for (int i = 0; i < photos.size(); i++) {
                assertThat(dot(avg.get(i), p1.get(i))).isGreaterThan(0.99999);
                double same = dot(avg.get(i), p3.get(i));
                System.out.printf("photo %d: cos(avg, gem3) %.4f%n", i, same);
                assertThat(same).isLessThan(0.999).isGreaterThan(0.8);
                assertThat(dot(p3.get(i), p3.get(i))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
            // the dog is still closer to itself than to the eagle or the squirrel, and its classes are Lite0's
            assertThat(dot(p3.get(0), gem3.embed(photos.get(0)))).isGreaterThan(dot(p3.get(0), p3.get(1)));
            float[] lite0Logits = lite0.run(photos.get(1), "logits");
            float[] gemLogits = gem3.run(photos.get(1), "logits");
            assertThat(argmax(gemLogits)).isEqualTo(argmax(lite0Logits));
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

}
