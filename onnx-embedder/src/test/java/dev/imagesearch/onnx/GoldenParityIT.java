package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.preprocess.Layout;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Java preprocessing against the Python reference pipelines (Keras {@code load_img} + {@code preprocess_input},
 * torchvision transforms on PIL images): every sampled element of the golden files in
 * {@code src/test/resources/golden/} within 1e-3. The full tensors (made only by the heavy reference environment,
 * see scripts/golden/README.md) are compared by {@link FullTensorParityCheck}, run by hand.
 */
class GoldenParityIT {

    static final double TOLERANCE = 1e-3;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ImageDecoder DECODER = new ImageDecoder();

    @Test
    void sampledGoldenValuesMatch() throws Exception {
        List<Path> files = goldenFiles();
        if (files.isEmpty()) {
            TestResources.missing("no golden files in src/test/resources/golden");
        }
        for (Path file : files) {
            JsonNode g = JSON.readTree(file.toFile());
            Preprocessing pre = preset(g);
            float[] actual = tensor(pre, TestResources.photo(g.get("photo").asText()));
            int[] indices = ints(g.get("indices"));
            JsonNode values = g.get("values");
            assertThat(values.size()).as("values in %s", file.getFileName()).isEqualTo(indices.length);
            double max = 0;
            int n = indices.length;
            for (int i = 0; i < n; i++) {
                double diff = Math.abs(actual[indices[i]] - values.get(i).asDouble());
                assertThat(diff).as("%s element %d", file.getFileName(), indices[i]).isLessThanOrEqualTo(TOLERANCE);
                max = Math.max(max, diff);
            }
            double[] m = channelMeans(actual, pre);
            double meanDiff = 0;
            for (int c = 0; c < 3; c++) {
                double diff = Math.abs(m[c] - g.get("channelMean").get(c).asDouble());
                assertThat(diff).as("%s mean of channel %d", file.getFileName(), c).isLessThanOrEqualTo(TOLERANCE);
                meanDiff = Math.max(meanDiff, diff);
            }
            assertThat(n).as("samples in %s", file.getFileName()).isPositive();
            System.out.printf(Locale.ROOT, "golden %-50s %5d samples, max |diff| %.3g, channel means max |diff| %.3g%n",
                    file.getFileName(), n, max, meanDiff);
        }
    }

    static float[] tensor(Preprocessing pre, Path photo) throws Exception {
        BufferedImage image = DECODER.decode(photo);
        FloatBuffer buf = FloatBuffer.allocate(pre.elementsPerImage());
        pre.apply(image, buf);
        return buf.array();
    }

    static Preprocessing preset(JsonNode g) {
        Layout layout = Layout.valueOf(g.get("layout").asText().toUpperCase(Locale.ROOT));
        return Preprocessing.preset(g.get("preset").asText()).withLayout(layout);
    }

    private static double[] channelMeans(float[] t, Preprocessing pre) {
        double[] sum = new double[3];
        int n = pre.width() * pre.height();
        for (int i = 0; i < t.length; i++) {
            int c = pre.layout() == Layout.NCHW ? i / n : i % 3;
            sum[c] += t[i];
        }
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static List<Path> goldenFiles() throws IOException {
        Path dir = Path.of("src/test/resources/golden");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

}
