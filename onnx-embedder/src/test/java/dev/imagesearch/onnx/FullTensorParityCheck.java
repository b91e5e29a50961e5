package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import dev.imagesearch.testing.TestResources;
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
 * Every element of the full reference tensors in {@code <cache>/golden-full} against the Java preprocessing. Those
 * tensors come from the heavy reference environment (tf-keras, torch; see scripts/golden/README.md), which CI does
 * not install, so this class is named to stay out of the default test runs. Run it by hand after
 * {@code python scripts/golden/make_goldens.py --full}:
 * {@code mvn -pl core,onnx-embedder verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=FullTensorParityCheck}
 */
class FullTensorParityCheck {

    @Test
    void fullReferenceTensorsMatch() throws Exception {
        Path dir = TestResources.cache().resolve("golden-full");
        List<Path> metas = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(metas::add);
            }
        }
        assertThat(metas).as("full reference tensors in %s (make them with scripts/golden)", dir).isNotEmpty();
        List<String> failures = new ArrayList<>();
        for (Path meta : metas) {
            JsonNode g = GoldenParityIT.JSON.readTree(meta.toFile());
            Path f32 = Path.of(meta.toString().replaceFirst("\\.json$", ".f32"));
            if (!Files.exists(f32)) {
                continue;
            }
            Preprocessing pre = GoldenParityIT.preset(g);
            float[] actual = GoldenParityIT.tensor(pre, TestResources.photo(g.get("photo").asText()));
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
                if (d > GoldenParityIT.TOLERANCE) {
                    over++;
                }
            }
            System.out.printf(Locale.ROOT, "full   %-45s max |diff| %.3g (%d of %d elements above %.0e, worst at %d)%n",
                    f32.getFileName(), max, over, actual.length, GoldenParityIT.TOLERANCE, worst);
            if (max > GoldenParityIT.TOLERANCE) {
                failures.add(f32.getFileName() + ": max |diff| " + max);
            }
        }
        assertThat(failures).isEmpty();
    }

}
