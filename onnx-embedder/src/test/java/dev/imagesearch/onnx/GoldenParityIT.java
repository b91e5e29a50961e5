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
 * {@code src/test/resources/golden/} and, where {@code <cache>/golden-full/<preset>__<stem>.f32} exists, every
 * element of the full reference tensor, within 1e-3.
 */
class GoldenParityIT {

    private static final double TOLERANCE = 1e-3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ImageDecoder decoder = new ImageDecoder();

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

    @Test
    void fullReferenceTensorsMatch() throws Exception {
        Path dir = TestResources.cache().resolve("golden-full");
        List<Path> metas = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(metas::add);
            }
        }
        if (metas.isEmpty()) {
            TestResources.missing("no full reference tensors in " + dir);
        }
        List<String> failures = new ArrayList<>();
        for (Path meta : metas) {
            JsonNode g = JSON.readTree(meta.toFile());
            Path f32 = Path.of(meta.toString().replaceFirst("\\.json$", ".f32"));
            if (!Files.exists(f32)) {
                continue;
            }
            Preprocessing pre = preset(g);
            float[] actual = tensor(pre, TestResources.photo(g.get("photo").asText()));
            FloatBuffer expected = ByteBuffer.wrap(Files.readAllBytes(f32)).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            assertThat(expected.remaining()).as("%s element count", f32.getFileName()).isEqualTo(actual.length);
            double max = 0;
            int worst = 0;
            int over = 0;
            for (int i = 0; i < actual.length; i++) {
                double d = Math.abs(actual[i] - expected.get(i));
                if (d > max) {
                    max = d;
                    worst = i;
                }
                if (d > TOLERANCE) {
                    over++;
                }
            }
            System.out.printf(Locale.ROOT, "full   %-45s max |diff| %.3g (%d of %d elements above %.0e, worst at %d)%n",
                    f32.getFileName(), max, over, actual.length, TOLERANCE, worst);
            if (max > TOLERANCE) {
                failures.add(f32.getFileName() + ": max |diff| " + max);
            }
        }
        assertThat(failures).isEmpty();
    }

    private float[] tensor(Preprocessing pre, Path photo) throws Exception {
        BufferedImage image = decoder.decode(photo);
        FloatBuffer buf = FloatBuffer.allocate(pre.elementsPerImage());
        pre.apply(image, buf);
        return buf.array();
    }

    private static Preprocessing preset(JsonNode g) {
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
