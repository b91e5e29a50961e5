package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.ImageSearch;
import dev.imagesearch.opencv.OpenCvJpegDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end with a fake model: arguments, exit codes, error lines, output formats. */
class ImageSearchCliTest {

    @TempDir
    Path tmp;
    Path photos;
    Path data;

    @BeforeEach
    void pictures() throws IOException {
        photos = Files.createDirectories(tmp.resolve("photos"));
        Files.createDirectories(photos.resolve("sub"));
        for (int i = 0; i < 5; i++) {
            FakeModels.picture(photos.resolve("p" + i + ".png"), i);
        }
        FakeModels.picture(photos.resolve("sub/p5.jpg"), 5);
        Files.writeString(photos.resolve("notes.txt"), "not an image, and not picked up by extension");
        data = tmp.resolve("data");
    }

    private CliRun index(String... extra) {
        List<String> args = new ArrayList<>(List.of("index", photos.toString(), "--model", "grid", "--data",
                data.toString()));
        args.addAll(List.of(extra));
        return CliRun.fake(args.toArray(String[]::new));
    }

    private CliRun similar(String... args) {
        List<String> all = new ArrayList<>(List.of("similar", "--model", "grid", "--data", data.toString()));
        all.addAll(List.of(args));
        return CliRun.fake(all.toArray(String[]::new));
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.fake();
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err()).startsWith("imagesearch: error: a command is required");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void unknownOptionIsOneUsageLine() {
        CliRun r = CliRun.fake("index", photos.toString(), "--bogus");
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err().lines()).containsExactly(
                "imagesearch: error: Unknown option: '--bogus' (see 'imagesearch index --help')");
    }

    @Test
    void missingParameterIsAUsageError() {
        CliRun r = CliRun.fake("similar");
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err()).contains("IMAGE").startsWith("imagesearch: error: Missing required parameter");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertThat(CliRun.fake("similar", "-k", "zero", "x.jpg").exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        CliRun k = similar("-k", "0", photos.resolve("p0.png").toString());
        assertThat(k.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(k.err()).isEqualTo("imagesearch: error: -k must be at least 1, was 0\n");
        CliRun batch = index("--batch", "0");
        assertThat(batch.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(batch.err()).contains("--batch must be at least 1, was 0");
        CliRun format = similar("--format", "xml", photos.resolve("p0.png").toString());
        assertThat(format.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(format.err()).contains("xml").contains("TABLE, JSON");
    }

    @Test
    void missingInputIsAUsageErrorBeforeAnythingIsOpened() {
        CliRun r = CliRun.fake("index", tmp.resolve("nope").toString(), "--model", "grid", "--data", data.toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("imagesearch: error: no such file or directory: " + tmp.resolve("nope") + "\n");
        assertThat(data).doesNotExist();
    }

    @Test
    void unknownModelNamesTheAvailableOnes() {
        CliRun r = CliRun.fake("index", photos.toString(), "--model", "resnet-9000", "--data", data.toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err()).isEqualTo("imagesearch: error: unknown model 'resnet-9000'; available: grid, grid-other\n");
    }

    @Test
    void unknownModelOfTheRealCatalogIsOneUsageLine() throws IOException {
        Path models = Files.createDirectories(tmp.resolve("models"));
        CliRun r = CliRun.run(new OnnxModelSource(), "index", photos.toString(), "--model", "nonesuch",
                "--model-dir", models.toString(), "--data", data.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("imagesearch: error: Unknown model 'nonesuch'").contains(models.toString());
        CliRun preset = CliRun.run(new OnnxModelSource(), "index", photos.toString(), "--model",
                photos.resolve("p0.png").toString(), "--preset", "no-such-preset", "--data", data.toString());
        assertThat(preset.exitCode()).as(preset.toString()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(preset.err()).startsWith("imagesearch: error: --preset no-such-preset: ").contains("efficientnet");
    }

    @Test
    void unreachableServersAndUnknownSchemesGiveOneClearLine() {
        // Nothing listens on port 1: each backend must fail fast with one line naming the address.
        CliRun milvus = index("--store", "milvus://127.0.0.1:1?connectTimeout=1&retries=0");
        assertThat(milvus.exitCode()).as(milvus.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(milvus.err().lines()).hasSize(1);
        assertThat(milvus.err()).startsWith("imagesearch: error: ").contains("127.0.0.1:1");
        CliRun redis = index("--ids", "redis://127.0.0.1:1?connectTimeout=500");
        assertThat(redis.exitCode()).as(redis.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(redis.err().lines()).hasSize(1);
        assertThat(redis.err()).startsWith("imagesearch: error: ").contains("127.0.0.1:1");
        CliRun milvusIds = index("--ids", "milvus://127.0.0.1:1?namespace=photos&connectTimeout=1&retries=0");
        assertThat(milvusIds.exitCode()).as(milvusIds.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(milvusIds.err().lines()).hasSize(1);
        assertThat(milvusIds.err()).startsWith("imagesearch: error: ").contains("127.0.0.1:1");
        CliRun otherIds = index("--ids", "ftp://host:1");
        assertThat(otherIds.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        // the schemes listed are those of the providers on the class path (Backends)
        assertThat(otherIds.err()).contains("'ftp://host:1' is not supported: expected 'embedded' or ")
                .contains("redis://HOST:PORT").contains("milvus://HOST:PORT");
        CliRun other = index("--store", "ftp://host:1");
        assertThat(other.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(other.err()).contains("'ftp://host:1' is not supported: expected 'embedded' or milvus://HOST:PORT")
                .doesNotContain("redis://");
        assertThat(data).doesNotExist();
    }

    @Test
    void indexThenIndexAgain() {
        CliRun first = index();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("indexed:   6 (6 embedded, 0 reused a stored vector)")
                .contains("unchanged: 0").contains("failed:    0");
        assertThat(first.err()).contains("indexing 6 files with grid into " + data);
        CliRun second = index();
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("indexed:   0").contains("unchanged: 6");
        CliRun count = CliRun.fake("count", "--model", "grid", "--data", data.toString());
        assertThat(count.exitCode()).isZero();
        assertThat(count.out()).isEqualTo("6\n");
    }

    @Test
    void badFilesAreListedAndTheRestIndexed() throws IOException {
        Files.writeString(photos.resolve("bad.jpg"), "this is text, not a JPEG");
        Files.write(photos.resolve("empty.png"), new byte[0]);
        CliRun r = index();
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_OK);
        assertThat(r.out()).contains("indexed:   6").contains("failed:    2")
                .contains("  " + photos.resolve("bad.jpg") + ": not a supported image format (the file looks like text)")
                .contains("  " + photos.resolve("empty.png") + ": empty file (0 bytes)");
        assertThat(r.errorLines()).isZero();
    }

    @Test
    void everyFileFailingHasItsOwnExitCode() throws IOException {
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(bad.resolve("bad.jpg"), "text");
        Files.write(bad.resolve("empty.png"), new byte[0]);
        CliRun r = CliRun.fake("index", bad.toString(), "--model", "grid", "--data", data.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_ALL_FAILED);
        assertThat(r.out()).contains("failed:    2");
    }

    @Test
    void emptyFolderIsNotAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.fake("index", empty.toString(), "--model", "grid", "--data", data.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("indexed:   0");
    }

    @Test
    void explicitFilesAreIndexedOnceWhateverTheirName() throws IOException {
        Path odd = FakeModels.picture(tmp.resolve("picture.png"), 9);
        Path renamed = Files.copy(odd, tmp.resolve("picture.data"));
        CliRun r = CliRun.fake("index", odd.toString(), renamed.toString(), odd.toString(), "--model", "grid",
                "--data", data.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // two paths, one content: two locations, one vector
        assertThat(r.out()).contains("indexed:   2 (1 embedded, 1 reused a stored vector)");
    }

    @Test
    void similarTable() {
        index();
        CliRun r = similar("-k", "3", photos.resolve("p2.png").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("query: " + photos.resolve("p2.png"));
        assertThat(lines.get(1)).isEqualTo("rank  score   location");
        assertThat(lines.get(2)).isEqualTo("   1  1.0000  " + photos.resolve("p2.png"));
        assertThat(lines.get(3)).matches("   2  0\\.\\d{4}  " + photos + "/.*");
        assertThat(lines.get(4)).startsWith("   3  ");
    }

    @Test
    void float16PrecisionIndexesAndSearchesTheSameFilesAndFindsTheSameNeighbours() throws IOException {
        assertThat(index("--precision", "float16").exitCode()).isZero();
        CliRun half = similar("--precision", "float16", "--format", "json", "-k", "6",
                photos.resolve("p2.png").toString());
        CliRun full = similar("--format", "json", "-k", "6", photos.resolve("p2.png").toString());
        assertThat(half.exitCode()).as(half.toString()).isZero();
        assertThat(full.exitCode()).as(full.toString()).isZero();
        JsonNode h = new ObjectMapper().readTree(half.out()).get(0).get("results");
        JsonNode f = new ObjectMapper().readTree(full.out()).get(0).get("results");
        assertThat(h).hasSize(6);
        assertThat(h.get(0).get("location").asText()).isEqualTo(photos.resolve("p2.png").toString());
        for (int i = 0; i < 6; i++) {
            // the files keep full precision; float16 rounds what it holds, so scores differ in the 4th decimal
            assertThat(h.get(i).get("location").asText()).isEqualTo(f.get(i).get("location").asText());
            assertThat(h.get(i).get("score").asDouble()).isCloseTo(f.get(i).get("score").asDouble(),
                    org.assertj.core.api.Assertions.within(1e-3));
        }
    }

    @Test
    void badPrecisionValuesAreUsageErrors() {
        CliRun bad = index("--precision", "int8");
        assertThat(bad.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(bad.err()).isEqualTo(
                "imagesearch: error: --precision 'int8' is not supported: expected float32 or float16\n");
        CliRun milvus = index("--precision", "float16", "--store", "milvus://127.0.0.1:1");
        assertThat(milvus.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(milvus.err()).isEqualTo("imagesearch: error: --precision (or IMAGESEARCH_PRECISION) float16 "
                + "applies to the embedded store only, not to milvus://127.0.0.1:1\n");
        assertThat(data).doesNotExist();
    }

    @Test
    void similarJsonFollowsTheDocumentedSchema() throws IOException {
        index();
        CliRun r = similar("--format", "json", "-k", "4", photos.resolve("p1.png").toString(),
                photos.resolve("sub/p5.jpg").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.isArray()).isTrue();
        assertThat(root).hasSize(2);
        for (JsonNode q : root) {
            assertThat(q.fieldNames()).toIterable().containsExactly("query", "model", "k", "results");
            assertThat(q.get("model").asText()).isEqualTo("grid");
            assertThat(q.get("k").isInt()).isTrue();
            assertThat(q.get("k").asInt()).isEqualTo(4);
            assertThat(q.get("results")).hasSize(4);
            int rank = 1;
            double previous = Double.MAX_VALUE;
            for (JsonNode hit : q.get("results")) {
                assertThat(hit.fieldNames()).toIterable()
                        .containsExactly("rank", "location", "score", "id", "contentHash");
                assertThat(hit.get("rank").asInt()).isEqualTo(rank++);
                assertThat(hit.get("score").isNumber()).isTrue();
                assertThat(hit.get("score").asDouble()).isLessThanOrEqualTo(previous);
                previous = hit.get("score").asDouble();
                assertThat(hit.get("id").isTextual()).isTrue();
                assertThat(Long.parseLong(hit.get("id").asText())).isPositive();
                assertThat(hit.get("contentHash").asText()).matches("[0-9a-f]{64}");
                assertThat(Path.of(hit.get("location").asText())).isAbsolute().exists();
            }
        }
        assertThat(root.get(0).get("query").asText()).isEqualTo(photos.resolve("p1.png").toString());
        assertThat(root.get(0).get("results").get(0).get("location").asText())
                .isEqualTo(photos.resolve("p1.png").toString());
        assertThat(root.get(1).get("results").get(0).get("location").asText())
                .isEqualTo(photos.resolve("sub/p5.jpg").toString());
    }

    @Test
    void similarHtmlEmbedsThumbnailsAndEscapesNames() throws IOException {
        Path tricky = FakeModels.picture(photos.resolve("a<b>&\"c'.png"), 11);
        index();
        Path html = tmp.resolve("report.html");
        CliRun r = similar("-k", "3", "--html", html.toString(), tricky.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<img src=\"data:image/jpeg;base64,")
                .contains("a&lt;b&gt;&amp;&quot;c&#39;.png")
                .doesNotContain("a<b>")
                .doesNotContain("src=\"file:");
        // the result links are file URIs, escaped for the attribute
        assertThat(page).contains("href=\"" + HtmlReport.escape(tricky.toUri().toString()) + "\"");
        // 1 query + 3 results, each an embedded image
        assertThat(page.split("<img src=\"data:image/jpeg;base64,", -1)).hasSize(5);
    }

    @Test
    void similarOnAMissingIndexSaysSo() {
        CliRun r = similar(photos.resolve("p0.png").toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(r.err()).startsWith("imagesearch: error: no index at " + data.toAbsolutePath());
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void similarOfAnUndecodableQueryIsOneLine() throws IOException {
        index();
        Path bad = Files.writeString(tmp.resolve("query.jpg"), "text");
        CliRun r = similar(bad.toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(r.out()).isEqualTo("query: " + bad + "\nerror: not a supported image format (the file looks "
                + "like text)\n");
        assertThat(r.err()).isEqualTo("imagesearch: error: 1 of 1 query images could not be read (each is named "
                + "in the output with the reason)\n");
    }

    @Test
    void aMissingOrBrokenQueryIsReportedAndTheOthersAreAnswered() throws IOException {
        index();
        Path missing = tmp.resolve("gone.jpg");
        Path bad = Files.writeString(tmp.resolve("query.jpg"), "text");
        CliRun r = similar("--format", "json", "-k", "2", photos.resolve("p1.png").toString(), missing.toString(),
                bad.toString(), photos.resolve("p3.png").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json).hasSize(4);
        assertThat(json.get(0).get("results").get(0).get("location").asText())
                .isEqualTo(photos.resolve("p1.png").toString());
        assertThat(json.get(0).has("error")).isFalse();
        assertThat(json.get(1).get("query").asText()).isEqualTo(missing.toString());
        assertThat(json.get(1).get("error").asText()).isEqualTo("no such file");
        assertThat(json.get(1).get("results")).isEmpty();
        assertThat(json.get(2).get("error").asText()).contains("not a supported image format");
        assertThat(json.get(3).get("results").get(0).get("location").asText())
                .isEqualTo(photos.resolve("p3.png").toString());
        assertThat(r.errorLines()).isEqualTo(1);
        assertThat(r.err()).contains("2 of 4 query images could not be read");

        CliRun table = similar("-k", "1", missing.toString(), photos.resolve("p2.png").toString());
        assertThat(table.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(table.out()).contains("query: " + missing + "\nerror: no such file\n")
                .contains(photos.resolve("p2.png").toString());
    }

    @Test
    void indexNamesEverySkippedEntryAndTheCountsAddUp() throws IOException {
        Files.createSymbolicLink(photos.resolve("dangling.jpg"), tmp.resolve("nowhere.jpg"));
        Files.createDirectories(photos.resolve("folder.png"));
        CliRun r = index();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("indexed:   6").contains("skipped:   3 (not image files; nothing was opened)")
                .contains("  " + photos.resolve("dangling.jpg") + ": dangling symbolic link: its target "
                        + tmp.resolve("nowhere.jpg") + " does not exist")
                .contains("  " + photos.resolve("folder.png") + ": a directory named like an image")
                .contains("  " + photos.resolve("notes.txt") + ": extension .txt is not an image type")
                .contains("seen:      9");
    }

    @Test
    void mismatchedStoreIsOneLineAndVerboseAddsTheStackTrace() {
        index();
        CliRun r = CliRun.fake("count", "--model", FakeModels.GRID_OTHER, "--data", data.toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("imagesearch: error: Collection 'grid' was built with model 'grid-v1'; this "
                + "builder uses model 'grid-v2': load that model");
        CliRun verbose = CliRun.fake("--verbose", "count", "--model", FakeModels.GRID_OTHER, "--data",
                data.toString());
        assertThat(verbose.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(verbose.err()).contains("CollectionMismatchException").contains("\tat ");
        CliRun verboseAfter = CliRun.fake("count", "--verbose", "--model", FakeModels.GRID_OTHER, "--data",
                data.toString());
        assertThat(verboseAfter.err()).contains("\tat ");
    }

    @Test
    void autoReadsAnIndexWithTheJpegDecoderItWasBuiltWith() {
        // built with ImageIO (as by an older version, or where OpenCV does not load)
        CliRun built = index("--jpeg-decoder", "imageio");
        assertThat(built.exitCode()).as(built.toString()).isZero();
        CliRun auto = CliRun.fake("count", "--model", "grid", "--data", data.toString());
        assertThat(auto.exitCode()).as(auto.toString()).isZero();
        assertThat(auto.out().trim()).isEqualTo("6");
        CliRun again = index(); // auto, adding nothing: the index keeps its decoder
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("unchanged: 6");
        // a new model listed before the old one: the old collection is checked before the new one is created,
        // so auto falls back to ImageIO for both instead of leaving an OpenCV-made collection behind
        CliRun added = CliRun.fake("index", photos.toString(), "--models", FakeModels.COARSE + ",grid", "--data",
                data.toString());
        assertThat(added.exitCode()).as(added.toString()).isZero();
        CliRun coarse = CliRun.fake("count", "--jpeg-decoder", "imageio", "--model", FakeModels.COARSE, "--data",
                data.toString());
        assertThat(coarse.exitCode()).as(coarse.toString()).isZero();
        assertThat(coarse.out().trim()).isEqualTo("6");
        CliRun explicit = CliRun.fake("count", "--jpeg-decoder", "opencv", "--model", "grid", "--data",
                data.toString());
        assertThat(explicit.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(explicit.err()).contains("decode=reduced+jpeg=opencv").contains("--jpeg-decoder");
        // a new index gets OpenCV under auto
        Path other = tmp.resolve("other");
        CliRun fresh = CliRun.fake("index", photos.toString(), "--model", "grid", "--data", other.toString());
        assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
        CliRun imageIo = CliRun.fake("count", "--jpeg-decoder", "imageio", "--model", "grid", "--data",
                other.toString());
        assertThat(imageIo.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
    }

    @Test
    void anIndexBuiltWithFullResolutionDecodingIsRefusedWithAHintThatSaysSo() {
        try (ImageSearch old = ImageSearch.builder().embedder(new FakeModels.GridEmbedder("v1"))
                .reducedDecoding(false).jpegDecoder(null).dataDirectory(data).build()) {
            assertThat(old.index(List.of(photos.resolve("p0.png"))).indexed()).isEqualTo(1);
        }
        for (String decoder : List.of("auto", "imageio", "opencv")) {
            CliRun r = CliRun.fake("count", "--jpeg-decoder", decoder, "--model", "grid", "--data", data.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).endsWith("(the index was built with full-resolution decoding, e.g. by an older "
                    + "version, which the CLI does not read: index into another --data directory)\n");
        }
    }

    @Test
    void anIndexBuiltWithImageIoNamesItWhenAnotherDecoderIsForced() {
        assertThat(index("--jpeg-decoder", "imageio").exitCode()).isZero();
        CliRun r = CliRun.fake("count", "--jpeg-decoder", "opencv", "--model", "grid", "--data", data.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(r.err()).endsWith("(the index was built with --jpeg-decoder imageio: pass the one it was built "
                + "with)\n");
    }

    @Test
    void dataDirectoryInUseIsOneLine() {
        index();
        // opened as the CLI opens it (its default JPEG decoder is OpenCV's), so that only the lock differs
        try (ImageSearch open = ImageSearch.builder().embedder(new FakeModels.GridEmbedder("v1"))
                .jpegDecoder(OpenCvJpegDecoder.load()).dataDirectory(data).build()) {
            CliRun r = CliRun.fake("count", "--model", "grid", "--data", data.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).startsWith("imagesearch: error: ").contains("already open")
                    .contains("--verbose");
            assertThat(open.count()).isEqualTo(6);
        }
    }

    @Test
    void searchingWithAModelThatWasNeverIndexedThereFailsAndCreatesNothing() throws Exception {
        index();
        java.util.Set<Path> before;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(data)) {
            before = files.collect(java.util.stream.Collectors.toSet());
        }
        for (String command : List.of("similar", "count", "verify")) {
            List<String> args = new ArrayList<>(List.of(command));
            if (command.equals("similar")) {
                args.add(photos.resolve("p0.png").toString());
            }
            args.addAll(List.of("--model", FakeModels.PATCHES, "--data", data.toString()));
            CliRun r = CliRun.fake(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ImageSearchCli.EXIT_ERROR);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).contains("No index for model 'patches'").contains("only grid");
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(data)) {
            assertThat(files.collect(java.util.stream.Collectors.toSet())).isEqualTo(before);
        }
    }

    @Test
    void verifyFindsAndRepairsVectorsWithoutALocation() {
        index();
        CliRun ok = CliRun.fake("verify", "--model", "grid", "--data", data.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("vectors without location: 0").endsWith("consistent\n");
        // An interrupted run: a vector whose location was never written.
        try (dev.imagesearch.embedded.EmbeddedIdMapper ids = dev.imagesearch.embedded.EmbeddedIdMapper.open(data)) {
            assertThat(ids.remove(dev.imagesearch.ImageSearch.locationOf(photos.resolve("p0.png")))).isPresent();
            ids.flush();
        }
        CliRun bad = CliRun.fake("verify", "--model", "grid", "--data", data.toString());
        assertThat(bad.exitCode()).isEqualTo(VerifyCommand.EXIT_INCONSISTENT);
        assertThat(bad.out()).contains("vectors without location: 1").contains("INCONSISTENT");
        CliRun repaired = CliRun.fake("verify", "--repair", "--model", "grid", "--data", data.toString());
        assertThat(repaired.exitCode()).as(repaired.toString()).isZero();
        assertThat(repaired.out()).contains("vectors without location: 1 (deleted)").contains("repaired");
        assertThat(CliRun.fake("verify", "--model", "grid", "--data", data.toString()).out()).endsWith("consistent\n");
    }

    @Test
    void removeForgetsFiles() {
        index();
        CliRun r = CliRun.fake("remove", photos.resolve("p0.png").toString(), photos.resolve("nope.png").toString(),
                "--model", "grid", "--data", data.toString());
        assertThat(r.exitCode()).isEqualTo(ImageSearchCli.EXIT_ERROR);
        assertThat(r.out()).isEqualTo("removed " + photos.resolve("p0.png") + "\n");
        assertThat(r.err()).isEqualTo("imagesearch: not in the index: " + photos.resolve("nope.png") + "\n");
        assertThat(CliRun.fake("count", "--model", "grid", "--data", data.toString()).out()).isEqualTo("5\n");
        CliRun again = CliRun.fake("remove", photos.resolve("p1.png").toString(), "--model", "grid", "--data",
                data.toString());
        assertThat(again.exitCode()).isZero();
    }

    @Test
    void modelsListsTheCatalog() {
        CliRun r = CliRun.fake("models");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "NAME  DIMENSION  PRESET  PATH",
                "grid         48  grid4   /models/grid");
    }

    @Test
    void versionAndHelp() {
        CliRun version = CliRun.fake("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("imagesearch ");
        CliRun help = CliRun.fake("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("index").contains("similar").contains("models").contains("count")
                .contains("remove").contains("Exit codes:");
        CliRun indexHelp = CliRun.fake("index", "--help");
        assertThat(indexHelp.out()).contains("--batch").contains("--threads").contains("--model")
                .contains("--data").contains("--preset").contains("--store");
    }
}
