package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default model is EfficientNet-Lite0 quantised to INT8 (scripts/models/quantize_int8.py): same input, preset
 * and dimension as the fp32 model, and embeddings of real photos close to the fp32 ones (scripts/models/verify.py
 * measures cosine 0.9946 mean, 0.9918 min on its photos).
 */
class Int8ModelIT {

    private static final List<String> PHOTOS = List.of("opencv/squirrel_cls.jpg", "opencv/baboon.jpg",
            "opencv/orange.jpg", "darknet/dog.jpg", "darknet/eagle.jpg", "darknet/giraffe.jpg");

    @Test
    void defaultModelIsLite0Int8WithTheFp32ModelsPreprocessing() {
        ModelDescriptor int8 = ModelDescriptor.read(TestResources.model(ModelCatalog.DEFAULT_MODEL));
        ModelDescriptor fp32 = ModelDescriptor.read(TestResources.model("efficientnet-lite0"));
        assertThat(int8.name()).isEqualTo("efficientnet-lite0-int8");
        assertThat(int8.preset()).isEqualTo(fp32.preset());
        assertThat(int8.dimension()).isEqualTo(fp32.dimension()).isEqualTo(1280);
    }

    @Test
    void embeddingsStayCloseToTheFp32Model() throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        List<BufferedImage> images = new ArrayList<>();
        for (String p : PHOTOS) {
            images.add(decoder.decode(TestResources.photo(p)));
        }
        List<float[]> q;
        List<float[]> f;
        try (OnnxEmbedder int8 = OnnxEmbedder.fromDirectory(TestResources.model("efficientnet-lite0-int8"));
             OnnxEmbedder fp32 = OnnxEmbedder.fromDirectory(TestResources.model("efficientnet-lite0"))) {
            q = int8.embedBatch(images);
            f = fp32.embedBatch(images);
        }
        double sum = 0;
        double[] cross = new double[PHOTOS.size()];
        for (int i = 0; i < PHOTOS.size(); i++) {
            double c = cosine(q.get(i), f.get(i));
            System.out.printf("%s: cosine int8 / fp32 %.4f%n", PHOTOS.get(i), c);
            assertThat(c).as("cosine of %s", PHOTOS.get(i)).isGreaterThan(0.97);
            sum += c;
            cross[i] = cosine(q.get(i), f.get((i + 1) % PHOTOS.size()));
        }
        assertThat(sum / PHOTOS.size()).isGreaterThan(0.985);
        // the INT8 embedding of a photo is nearer its own fp32 embedding than another photo's
        for (int i = 0; i < PHOTOS.size(); i++) {
            assertThat(cross[i]).isLessThan(cosine(q.get(i), f.get(i)) - 0.1);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
