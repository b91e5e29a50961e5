package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.image.ImageDecoder;
import dev.imagesearch.onnx.ModelDescriptor;
import dev.imagesearch.onnx.OnnxEmbedder;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import dev.imagesearch.testing.TestResources;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with the real default model on the real sample photos ({@code <cache>/photos/sample}): indexing, re-indexing,
 * search quality through the CLI, JSON and HTML output, bad files, and a SIGKILLed indexing run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndIT {

    Path tmp;
    Path model;
    Path sample;
    Path data;
    List<Path> photos;
    CliRun firstIndex;

    @BeforeAll
    void indexTheSample(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        model = TestResources.model("efficientnet-lite0");
        sample = TestResources.existing(TestResources.cache().resolve("photos/sample"), "sample photos (run scripts/photos/fetch.sh)");
        try (Stream<Path> s = ImageSearch.listImages(sample)) {
            photos = s.toList();
        }
        assertThat(photos).hasSizeGreaterThanOrEqualTo(10);
        data = tmp.resolve("data");
        firstIndex = cli("index", sample.toString(), "--model", model.toString(), "--data", data.toString());
    }

    private static CliRun cli(String... args) {
        return CliRun.run(new OnnxModelSource(), args);
    }

    private CliRun similar(String... args) {
        List<String> all = new ArrayList<>(List.of("similar", "--model", model.toString(), "--data", data.toString()));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    @Test
    void indexesEverythingThenNothing() {
        assertThat(firstIndex.exitCode()).as(firstIndex.toString()).isZero();
        assertThat(firstIndex.out()).contains("indexed:   " + photos.size() + " (").contains("failed:    0");
        assertThat(firstIndex.errorLines()).isZero();
        CliRun again = cli("index", sample.toString(), "--model", model.toString(), "--data", data.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("indexed:   0 (").contains("unchanged: " + photos.size())
                .contains("failed:    0");
        CliRun count = cli("count", "--model", model.toString(), "--data", data.toString());
        assertThat(count.out().trim()).isEqualTo(String.valueOf(distinct(photos)));
    }

    @Test
    void anIndexedPhotoFindsItselfFirst() throws IOException {
        Path dog = sample.resolve("darknet-dog.jpg");
        assertThat(dog).exists();
        CliRun r = similar("-k", "5", "--format", "json", dog.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode hit = new ObjectMapper().readTree(r.out()).get(0).get("results").get(0);
        assertThat(hit.get("location").asText()).isEqualTo(dog.toAbsolutePath().toString());
        assertThat(hit.get("score").asDouble()).isGreaterThanOrEqualTo(0.99);
        CliRun table = similar("-k", "5", dog.toString());
        assertThat(table.out().lines().toList().get(2)).matches("   1  (0\\.99\\d\\d|1\\.0000)  " + dog.toAbsolutePath());
    }

    @Test
    void anIndexIsReadWithTheJpegDecoderItWasBuiltWith() {
        // the sample was indexed with the default decoder: auto = OpenCV, whose native library loads here
        Path dog = sample.resolve("darknet-dog.jpg");
        CliRun same = similar("--jpeg-decoder", "opencv", "-k", "1", dog.toString());
        assertThat(same.exitCode()).as(same.toString()).isZero();
        assertThat(same.out()).contains("1.0000  " + dog.toAbsolutePath());
        CliRun other = similar("--jpeg-decoder", "imageio", dog.toString());
        assertThat(other.exitCode()).as(other.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(other.err()).contains("decode=reduced+jpeg=opencv")
                .endsWith("(the index was built with --jpeg-decoder opencv: pass the one it was built with)\n");
        CliRun wrong = similar("--jpeg-decoder", "libjpeg", dog.toString());
        assertThat(wrong.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
    }

    @Test
    void aCroppedCopyFindsItsOriginalInTheTopThree() throws Exception {
        Path crops = Files.createDirectories(tmp.resolve("crops"));
        ImageDecoder decoder = new ImageDecoder();
        List<String> args = new ArrayList<>(List.of("-k", "3", "--format", "json"));
        List<Path> originals = new ArrayList<>();
        for (Path p : photos) {
            BufferedImage img = decoder.decode(p); // upright, as the indexer saw it
            int dx = img.getWidth() / 10;
            int dy = img.getHeight() / 10;
            BufferedImage crop = img.getSubimage(dx, dy, img.getWidth() - 2 * dx, img.getHeight() - 2 * dy);
            Path out = crops.resolve(p.getFileName() + ".crop.jpg");
            assertThat(ImageIO.write(crop, "jpg", out.toFile())).isTrue();
            args.add(out.toString());
            originals.add(p);
        }
        CliRun r = similar(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root).hasSize(originals.size());
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < originals.size(); i++) {
            List<String> top = new ArrayList<>();
            root.get(i).get("results").forEach(h -> top.add(h.get("location").asText()));
            if (!top.contains(originals.get(i).toAbsolutePath().toString())) {
                misses.add(originals.get(i).getFileName() + " -> " + top);
            }
        }
        assertThat(misses).as("crops whose original is not in the top 3").isEmpty();
    }

    @Test
    void jsonFollowsTheDocumentedSchema() throws IOException {
        Path a = photos.get(0);
        Path b = photos.get(photos.size() - 1);
        CliRun r = similar("-k", "4", "--format", "json", a.toString(), b.toString());
        assertThat(r.exitCode()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.isArray()).isTrue();
        assertThat(root).hasSize(2);
        assertThat(root.get(0).get("query").asText()).isEqualTo(a.toAbsolutePath().toString());
        assertThat(root.get(1).get("query").asText()).isEqualTo(b.toAbsolutePath().toString());
        for (JsonNode q : root) {
            assertThat(q.fieldNames()).toIterable().containsExactly("query", "model", "k", "results");
            assertThat(q.get("model").asText()).isEqualTo("efficientnet-lite0");
            assertThat(q.get("k").asInt()).isEqualTo(4);
            assertThat(q.get("results")).hasSize(4);
            int rank = 1;
            for (JsonNode hit : q.get("results")) {
                assertThat(hit.fieldNames()).toIterable()
                        .containsExactly("rank", "location", "score", "id", "contentHash");
                assertThat(hit.get("rank").asInt()).isEqualTo(rank++);
                assertThat(hit.get("score").isNumber()).isTrue();
                assertThat(hit.get("score").asDouble()).isBetween(-1.0, 1.0001);
                assertThat(hit.get("id").isTextual()).isTrue();
                Path location = Path.of(hit.get("location").asText());
                assertThat(location).exists();
                assertThat(hit.get("id").asText()).isEqualTo(Long.toString(ContentId.of(Files.readAllBytes(location)).id()));
                assertThat(hit.get("contentHash").asText()).isEqualTo(ContentId.of(Files.readAllBytes(location)).contentHash());
            }
        }
    }

    @Test
    void htmlReportEmbedsThumbnailsAndNamesTheResults() throws IOException {
        Path html = tmp.resolve("report.html");
        Path a = photos.get(1);
        CliRun r = similar("-k", "3", "--format", "json", "--html", html.toString(), a.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(html).exists();
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page.split("<img src=\"data:image/jpeg;base64,", -1)).hasSize(5); // query + 3 results
        for (JsonNode hit : new ObjectMapper().readTree(r.out()).get(0).get("results")) {
            assertThat(page).contains(HtmlReport.escape(hit.get("location").asText()));
        }
        assertThat(Files.size(html)).isLessThan(1_000_000); // thumbnails, not the photos
    }

    @Test
    void badFilesAreListedWithReasonsAndTheRestIndexed() throws IOException {
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        for (Path p : photos.subList(0, 3)) {
            Files.copy(p, mixed.resolve(p.getFileName()));
        }
        Files.writeString(mixed.resolve("bad.jpg"), "this is a text file, not a JPEG\n");
        Files.write(mixed.resolve("empty.png"), new byte[0]);
        Path mixedData = tmp.resolve("mixed-data");
        CliRun r = cli("index", mixed.toString(), "--model", model.toString(), "--data", mixedData.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_OK);
        assertThat(r.out()).contains("indexed:   3 (").contains("failed:    2")
                .contains("  " + mixed.resolve("bad.jpg") + ": not a supported image format (the file looks like text)")
                .contains("  " + mixed.resolve("empty.png") + ": empty file (0 bytes)");
        Path allBad = Files.createDirectories(tmp.resolve("all-bad"));
        Files.copy(mixed.resolve("bad.jpg"), allBad.resolve("bad.jpg"));
        Files.copy(mixed.resolve("empty.png"), allBad.resolve("empty.png"));
        CliRun bad = cli("index", allBad.toString(), "--model", model.toString(), "--data", mixedData.toString());
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ImageSearchCli.EXIT_ALL_FAILED);
    }

    @Test
    void anIndexRunKilledWithSigkillIsCompletedByTheNextRun() throws Exception {
        Path crashData = tmp.resolve("crash-data");
        Path vectors = crashData.resolve("vectors/efficientnet-lite0.vec");
        long threeVectors = 3L * 4 * ModelDescriptor.read(model).dimension();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ImageSearchCli.class.getName(), "index", sample.toString(), "--model", model.toString(),
                "--data", crashData.toString(), "--batch", "1", "--threads", "1", "--progress", "lines")
                .redirectOutput(tmp.resolve("child.out").toFile())
                .redirectError(tmp.resolve("child.err").toFile());
        Process child = pb.start();
        boolean aliveAtKill;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(vectors) && Files.size(vectors) >= threeVectors)) {
                assertThat(child.isAlive()).as("child ended early, exit " + (child.isAlive() ? "-" : child.exitValue())
                        + ", class path " + System.getProperty("java.class.path") + ": " + childLog()).isTrue();
                assertThat(System.nanoTime()).as("child stored nothing in 120 s: " + childLog()).isLessThan(deadline);
                Thread.sleep(10);
            }
            aliveAtKill = child.isAlive();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushes
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(aliveAtKill).as("the child finished before it could be killed; " + childLog()).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);

        CliRun r = cli("index", sample.toString(), "--model", model.toString(), "--data", crashData.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("failed:    0");
        int unchanged = Integer.parseInt(r.out().lines().filter(l -> l.startsWith("unchanged:")).findFirst()
                .orElseThrow().replaceAll("\\D", ""));
        assertThat(unchanged).as("files the killed run had finished").isGreaterThanOrEqualTo(1)
                .isLessThan(photos.size());
        try (ImageSearch search = ImageSearch.builder().embedder(OnnxEmbedder.fromDirectory(model))
                .jpegDecoder(OpenCvJpegDecoder.load()).dataDirectory(crashData).build()) { // the CLI's default
            long distinct = distinct(photos);
            assertThat(search.collection().count()).isEqualTo(distinct);
            assertThat(search.count()).isEqualTo(distinct);
        }
    }

    private String childLog() {
        try {
            return "stderr: " + Files.readString(tmp.resolve("child.err")) + " stdout: "
                    + Files.readString(tmp.resolve("child.out"));
        } catch (IOException e) {
            return "(no child log: " + e + ")";
        }
    }

    private static long distinct(List<Path> files) {
        Set<String> hashes = new HashSet<>();
        for (Path p : files) {
            try {
                hashes.add(ContentId.of(Files.readAllBytes(p)).contentHash());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return hashes.size();
    }

}
