package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.testing.TestResources;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real models on real photos: a tiny near-duplicate evaluation through the CLI (6 originals, 12 transformed
 * copies, 2 distractors), a comparison and the duplicate finder; the metrics must be in range and sensible, and
 * the JSON must parse.
 */
class MultiModelEvalIT {

    private static final List<String> ORIGINALS = List.of("darknet-dog.jpg", "opencv-apple.jpg",
            "skimage-astronaut.png", "palapeli-castle-maintenon.jpg", "kphotoalbum-skagen.jpg",
            "opencv-butterfly.jpg");
    private static final List<String> DISTRACTORS = List.of("skimage-coffee.png", "darknet-horses.jpg");
    private static final String MODELS = "efficientnet-lite0,mobilenet-v2-nsfwjs";

    @TempDir
    Path tmp;

    private static CliRun cli(String... args) {
        return CliRun.run(new OnnxModelSource(), args);
    }

    /** The central 80 % of the picture. */
    private static BufferedImage crop(BufferedImage src) {
        int w = src.getWidth() * 8 / 10;
        int h = src.getHeight() * 8 / 10;
        return src.getSubimage((src.getWidth() - w) / 2, (src.getHeight() - h) / 2, w, h);
    }

    /** Mirrored left to right. */
    private static BufferedImage flip(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, new AffineTransform(-1, 0, 0, 1, src.getWidth(), 0), null);
        g.dispose();
        return out;
    }

    private static void jpeg(BufferedImage img, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        assertThat(ImageIO.write(rgb, "jpg", file.toFile())).isTrue();
    }

    private Path buildSet() throws Exception {
        Path sample = TestResources.existing(TestResources.cache().resolve("photos/sample"),
                "sample photos (run scripts/photos/fetch.sh)");
        Path set = tmp.resolve("neardup");
        List<String> manifest = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder();
        for (String name : ORIGINALS) {
            Path src = TestResources.existing(sample.resolve(name), "sample photo " + name);
            Path orig = Files.createDirectories(set.resolve("originals")).resolve(name);
            Files.copy(src, orig);
            BufferedImage img = decoder.decode(src);
            String stem = name.substring(0, name.lastIndexOf('.'));
            jpeg(crop(img), set.resolve("queries/crop/" + stem + ".jpg"));
            jpeg(flip(img), set.resolve("queries/flip/" + stem + ".jpg"));
            manifest.add("queries/crop/" + stem + ".jpg\toriginals/" + name + "\tcrop");
            manifest.add("queries/flip/" + stem + ".jpg\toriginals/" + name + "\tflip");
        }
        for (String name : DISTRACTORS) {
            Path d = Files.createDirectories(set.resolve("distractors")).resolve(name);
            Files.copy(TestResources.existing(sample.resolve(name), "sample photo " + name), d);
            manifest.add("distractors/" + name + "\t-\tdistractor");
        }
        Files.write(set.resolve("manifest.tsv"), manifest);
        return set;
    }

    @Test
    void tinyNearDuplicateEvaluationCompareAndDuplicatesWithTwoRealModels() throws Exception {
        Path modelDir = TestResources.model("efficientnet-lite0").getParent();
        TestResources.model("mobilenet-v2-nsfwjs");
        Path set = buildSet();

        CliRun eval = cli("eval", "neardup", set.toString(), "--models", MODELS, "--model-dir", modelDir.toString(),
                "--format", "json", "--progress", "none");
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(eval.out());
        assertThat(r.get("originals").asInt()).isEqualTo(6);
        assertThat(r.get("queries").asInt()).isEqualTo(12);
        assertThat(r.get("distractors").asInt()).isEqualTo(2);
        assertThat(r.get("skipped")).isEmpty();
        assertThat(r.get("methods")).extracting(m -> m.get("method").asText())
                .containsExactly("efficientnet-lite0", "mobilenet-v2-nsfwjs", "rrf", "minmax", "zscore");
        for (JsonNode m : r.get("methods")) {
            JsonNode x = m.get("metrics");
            assertThat(x.get("recall@1").asDouble()).isBetween(0.0, 1.0);
            assertThat(x.get("recall@5").asDouble()).isGreaterThanOrEqualTo(x.get("recall@1").asDouble());
            assertThat(x.get("MRR").asDouble()).isBetween(x.get("recall@1").asDouble(), 1.0);
        }
        // a central crop and a mirror image of a real photo among 6: the ImageNet model finds nearly all
        assertThat(r.get("methods").get(0).get("metrics").get("recall@1").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(r.get("perTransform").fieldNames()).toIterable().containsExactly("crop", "flip");
        JsonNode t = r.get("thresholds").get(0);
        assertThat(t.get("model").asText()).isEqualTo("efficientnet-lite0");
        assertThat(t.get("accepted").asDouble()).isBetween(0.0, 1.0);
        assertThat(t.get("rejected").asDouble()).isBetween(0.0, 1.0);
        assertThat(t.get("highestDistractor").asDouble()).isBetween(-1.0, 1.0);

        // a second run reuses the cached embeddings: nothing embedded
        CliRun again = cli("eval", "neardup", set.toString(), "--models", MODELS, "--model-dir", modelDir.toString(),
                "--progress", "none");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("fusion rrf").contains("recall@1 per transform");

        Path data = tmp.resolve("neardup-index/originals");
        CliRun cmp = cli("compare", set.resolve("queries/crop/darknet-dog.jpg").toString(), "--models", MODELS,
                "--model-dir", modelDir.toString(), "--data", data.toString(), "-k", "3", "--format", "json");
        assertThat(cmp.exitCode()).as(cmp.toString()).isZero();
        JsonNode c = new ObjectMapper().readTree(cmp.out()).get(0);
        assertThat(c.get("models")).hasSize(2);
        assertThat(c.get("models").get(0).get("results").get(0).get("location").asText()).endsWith("darknet-dog.jpg");
        assertThat(c.get("pairs").get(0).get("overlap").asDouble()).isBetween(0.0, 1.0);

        CliRun dup = cli("duplicates", "--models", MODELS, "--model-dir", modelDir.toString(), "--data",
                tmp.resolve("neardup-index/queries").toString(), "--format", "json");
        assertThat(dup.exitCode()).as(dup.toString()).isZero();
        JsonNode d = new ObjectMapper().readTree(dup.out());
        assertThat(d.get("checked").asInt()).isEqualTo(14);
        // with the measured default, the crop and the mirror image of a photo are found as one group
        assertThat(d.get("groups").size()).isBetween(1, 6);
        for (JsonNode g : d.get("groups")) {
            assertThat(g.get("minScore").asDouble()).isGreaterThanOrEqualTo(d.get("threshold").asDouble());
        }
    }

    @Test
    void aModelFusedWithItsOwnInt8VariantGivesExactlyTheBetterModelsResults() throws Exception {
        Path modelDir = TestResources.model("efficientnet-lite0").getParent();
        Path int8 = TestResources.model("efficientnet-lite0-int8");
        // provision.sh writes the variant from scripts/models/quality.tsv (third column)
        assertThat(Files.readAllLines(int8.resolve("model.properties")))
                .contains("descriptor.variant-of=efficientnet-lite0");
        Path set = buildSet();

        CliRun eval = cli("eval", "neardup", set.toString(), "--models", "efficientnet-lite0,efficientnet-lite0-int8",
                "--model-dir", modelDir.toString(), "--fusions", "zscore,rrf", "--format", "json", "--progress",
                "none");
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        JsonNode methods = new ObjectMapper().readTree(eval.out()).get("methods");
        assertThat(methods).extracting(m -> m.get("method").asText())
                .containsExactly("efficientnet-lite0", "efficientnet-lite0-int8", "zscore", "rrf");
        // the INT8 variant has the lower quality prior, so it is left out and each fused list is Lite0's own
        for (int f = 2; f < 4; f++) {
            assertThat(methods.get(f).get("metrics")).as(methods.get(f).get("method").asText())
                    .isEqualTo(methods.get(0).get("metrics"));
        }
        // ... with Lite0's own scores (a fusion of both would report z-scores)
        CliRun similar = cli("similar", set.resolve("queries/crop/darknet-dog.jpg").toString(), "--models",
                "efficientnet-lite0,efficientnet-lite0-int8", "--model-dir", modelDir.toString(), "--data",
                tmp.resolve("neardup-index/originals").toString(), "-k", "3", "--format", "json");
        assertThat(similar.exitCode()).as(similar.toString()).isZero();
        JsonNode results = new ObjectMapper().readTree(similar.out()).get(0).get("results");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).get("location").asText()).endsWith("darknet-dog.jpg");
        for (JsonNode hit : results) {
            assertThat(hit.get("score").asDouble()).as(hit.toString())
                    .isCloseTo(hit.get("models").get("efficientnet-lite0").get("score").asDouble(), within(1e-6));
        }
    }
}
