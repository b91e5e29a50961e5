package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default model is EfficientNet-Lite0 quantised to INT8 (scripts/models/quantize_int8.py): same input, preset
 * and dimension as the fp32 model, and embeddings of real photos close to the fp32 ones (scripts/models/verify.py
 * measures cosine 0.9868 mean, 0.9743 min on its photos), whatever the CPU.
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

    /**
     * ONNX Runtime's integer kernels compute what the model's quantised arithmetic says, on the CPU running the test.
     * Without VNNI (AVX2; AVX-512 before Cascade Lake; AMD before Zen 4) its u8 x s8 kernels add pairs of products in
     * 16 bits, which saturates with full-range 8-bit weights: vectors then depend on the CPU (the first quantisation
     * of Lite0 gave 0.89-0.96 on an AMD EPYC, and mAP@10 0.4026 instead of fp32's 0.4772). The reference is the same
     * model run unoptimised: each QuantizeLinear / DequantizeLinear pair applied in float around float operators.
     */
    @Test
    void integerKernelsComputeTheModelsQuantisedArithmetic() throws Exception {
        Path dir = TestResources.model(ModelCatalog.DEFAULT_MODEL);
        Path file = ModelDescriptor.read(dir).modelFile();
        ImageDecoder decoder = new ImageDecoder();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxEmbedder embedder = OnnxEmbedder.fromDirectory(dir);
             OrtSession kernels = session(env, file, OrtSession.SessionOptions.OptLevel.ALL_OPT);
             OrtSession reference = session(env, file, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            for (String photo : PHOTOS) {
                BufferedImage image = decoder.decode(TestResources.photo(photo));
                FloatBuffer tensor = ((PreparedTensor) embedder.prepare(image)).tensor();
                double c = cosine(features(env, kernels, tensor), features(env, reference, tensor));
                System.out.printf("%s: cosine integer kernels / quantised arithmetic %.5f%n", photo, c);
                assertThat(c).as("cosine of %s's vectors", photo).isGreaterThan(0.998);
            }
        }
    }

    private static OrtSession session(OrtEnvironment env, Path model, OrtSession.SessionOptions.OptLevel level)
            throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(level);
            return env.createSession(model.toString(), options);
        }
    }

    private static float[] features(OrtEnvironment env, OrtSession session, FloatBuffer tensor) throws Exception {
        try (OnnxTensor input = OnnxTensor.createTensor(env, tensor.duplicate().rewind(), nchwSquare(tensor));
             OrtSession.Result out = session.run(Map.of(session.getInputNames().iterator().next(), input),
                     java.util.Set.of("features"))) {
            return ((float[][]) out.get("features").orElseThrow().getValue())[0];
        }
    }

    /** The shape of one square NCHW RGB image tensor (the EfficientNet models' layout). */
    private static long[] nchwSquare(FloatBuffer tensor) {
        long side = Math.round(Math.sqrt(tensor.capacity() / 3.0));
        assertThat(3 * side * side).as("a square RGB tensor").isEqualTo(tensor.capacity());
        return new long[] {1, 3, side, side};
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
