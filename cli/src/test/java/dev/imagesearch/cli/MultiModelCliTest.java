package dev.imagesearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagesearch.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --models, similar with fusion, compare, duplicates and eval with fake models. */
class MultiModelCliTest {

    @TempDir
    Path tmp;
    Path photos;
    Path data;

    @BeforeEach
    void pictures() throws IOException {
        photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 6; i++) {
            FakeModels.picture(photos.resolve("p" + i + ".png"), i);
        }
        FakeModels.picture(photos.resolve("p0-copy.jpg"), 0); // a near-duplicate of p0.png
        data = tmp.resolve("data");
    }

    private static CliRun run(String... args) {
        return CliRun.fake(args);
    }

    private CliRun index(String models) {
        return run("index", photos.toString(), "--models", models, "--data", data.toString(), "--progress", "none");
    }

    @Test
    void indexWithTwoModelsThenSimilarFusesWithPerModelRanks() throws IOException {
        CliRun idx = index("grid,coarse");
        assertThat(idx.exitCode()).as(idx.toString()).isZero();
        assertThat(idx.err()).contains("with grid, coarse");
        assertThat(idx.out()).contains("indexed:   7 (7 embedded");

        CliRun table = run("similar", photos.resolve("p2.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "-k", "3");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("fused with zscore over grid, coarse").contains("1/1.0000");

        CliRun json = run("similar", photos.resolve("p2.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "-k", "3", "--format", "json", "--fusion", "zscore", "--weights", "grid=2");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode q = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(q.get("model").asText()).isEqualTo("grid+coarse");
        assertThat(q.get("fusion").asText()).isEqualTo("zscore[grid=2.0]");
        assertThat(q.get("results")).hasSize(3);
        JsonNode top = q.get("results").get(0);
        assertThat(top.get("location").asText()).endsWith("p2.png");
        assertThat(top.get("models").get("grid").get("rank").asInt()).isEqualTo(1);
        assertThat(top.get("models").get("coarse").get("score").asDouble()).isGreaterThan(0.999);

        // one model: the single-model schema, without fusion fields
        CliRun single = run("similar", photos.resolve("p2.png").toString(), "--model", "grid", "--data",
                data.toString(), "-k", "2", "--format", "json");
        JsonNode s = new ObjectMapper().readTree(single.out()).get(0);
        assertThat(s.has("fusion")).isFalse();
        assertThat(s.get("results").get(0).has("models")).isFalse();
    }

    @Test
    void similarWithQueryExpansionAndDatabaseAugmentation() throws IOException {
        index("grid,coarse");
        String q = photos.resolve("p2.png").toString();
        CliRun plain = run("similar", q, "--model", "grid", "--data", data.toString(), "-k", "5", "--format", "json");
        CliRun refined = run("similar", q, "--model", "grid", "--data", data.toString(), "-k", "5", "--format", "json",
                "--qe", "2:3", "--dba", "2");
        assertThat(refined.exitCode()).as(refined.toString()).isZero();
        JsonNode p = new ObjectMapper().readTree(plain.out()).get(0).get("results");
        JsonNode r = new ObjectMapper().readTree(refined.out()).get(0).get("results");
        assertThat(r).hasSize(5);
        // the image itself is scored against augmented vectors now: no longer exactly 1
        assertThat(p.get(0).get("score").asDouble()).isGreaterThan(0.999);
        assertThat(r.get(0).get("score").asDouble()).isLessThan(p.get(0).get("score").asDouble());
        CliRun fused = run("similar", q, "--models", "grid,coarse", "--data", data.toString(), "-k", "3",
                "--dba", "2");
        assertThat(fused.exitCode()).as(fused.toString()).isZero();
        assertThat(fused.out()).contains("fused with zscore over grid, coarse");
        CliRun bad = run("similar", q, "--model", "grid", "--data", data.toString(), "--dba", "ten");
        assertThat(bad.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(bad.err()).contains("--dba: database augmentation 'ten': expected N or N:ALPHA");
    }

    @Test
    void badFusionOptionsAreUsageErrors() {
        index("grid,coarse");
        CliRun badFusion = run("similar", photos.resolve("p2.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "--fusion", "borda");
        assertThat(badFusion.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(badFusion.err()).contains("borda").contains("rrf");
        CliRun badWeight = run("similar", photos.resolve("p2.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "--weights", "nosuch=2");
        assertThat(badWeight.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(badWeight.err()).contains("'nosuch'");
        CliRun twice = run("count", "--models", "grid,grid", "--data", data.toString());
        assertThat(twice.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(twice.err()).contains("'grid' twice");
        CliRun kZero = run("compare", photos.resolve("p2.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "-k", "0");
        assertThat(kZero.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(kZero.err()).contains("-k must be at least 1, was 0");
    }

    @Test
    void compareShowsBothModelsSideBySideInTableJsonAndHtml() throws IOException {
        index("grid,coarse");
        Path html = tmp.resolve("cmp.html");
        CliRun t = run("compare", photos.resolve("p3.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "-k", "4", "--html", html.toString());
        assertThat(t.exitCode()).as(t.toString()).isZero();
        assertThat(t.out()).contains("grid vs coarse: overlap@4").contains("Spearman").contains("scores grid");
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).contains("Models compared").contains("grid result 1").contains("coarse result 1")
                .contains("data:image/jpeg;base64,");

        CliRun j = run("compare", photos.resolve("p3.png").toString(), "--models", "grid,coarse", "--data",
                data.toString(), "-k", "4", "--format", "json");
        JsonNode c = new ObjectMapper().readTree(j.out()).get(0);
        assertThat(c.get("k").asInt()).isEqualTo(4);
        assertThat(c.get("models")).hasSize(2);
        assertThat(c.get("models").get(0).get("results")).hasSize(4);
        assertThat(c.get("models").get(1).get("scores").get("max").asDouble()).isGreaterThan(0.999);
        JsonNode pair = c.get("pairs").get(0);
        assertThat(pair.get("overlap").asDouble()).isBetween(0.25, 1.0); // both have the query itself first
        assertThat(pair.get("spearman").isNumber()).isTrue();
    }

    @Test
    void aModelFailingOnSomeImagesIsReportedByNameAndTheOthersStillAnswer() throws IOException {
        TestImages.write(photos.resolve("wide.png"), TestImages.png(9, 80)); // flaky refuses > 60 px wide
        CliRun idx = index("grid,flaky");
        assertThat(idx.exitCode()).as(idx.toString()).isZero();
        assertThat(idx.out()).contains("partly:    8").contains("flaky: embedding failed");
        CliRun cmp = run("compare", photos.resolve("p1.png").toString(), "--models", "grid,flaky", "--data",
                data.toString(), "-k", "2");
        assertThat(cmp.exitCode()).as(cmp.toString()).isZero();
        assertThat(cmp.out()).contains("model flaky left out").contains("wider than 60");
    }

    @Test
    void duplicatesGroupsTheCopyWithItsOriginal() throws IOException {
        index("grid");
        CliRun d = run("duplicates", "--model", "grid", "--data", data.toString(), "--threshold", "0.995");
        assertThat(d.exitCode()).as(d.toString()).isZero();
        assertThat(d.out()).contains("threshold 0.995").contains("1 groups").contains("keep");
        assertThat(d.out()).contains("p0.png").contains("p0-copy.jpg");
        CliRun j = run("duplicates", "--model", "grid", "--data", data.toString(), "--threshold", "0.995",
                "--format", "json");
        JsonNode out = new ObjectMapper().readTree(j.out());
        assertThat(out.get("groups")).hasSize(1);
        assertThat(out.get("groups").get(0).get("members")).hasSize(2);
        assertThat(out.get("checked").asInt()).isEqualTo(7);
        CliRun unmeasured = run("duplicates", "--model", "grid", "--data", data.toString());
        assertThat(unmeasured.out()).contains("fallback: no duplicates.threshold for this model");
        CliRun badUsing = run("duplicates", "--model", "grid", "--data", data.toString(), "--using", "coarse");
        assertThat(badUsing.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        CliRun badVerify = run("duplicates", "--model", "grid", "--data", data.toString(), "--verify", "sift");
        assertThat(badVerify.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(badVerify.err()).contains("--verify must be auto, geometric or none, was sift");
    }

    @Test
    void evalLabelledAndNearDupOnATinySet() throws IOException {
        Path labelled = tmp.resolve("labelled");
        for (int label = 0; label < 2; label++) {
            for (int v = 0; v < 3; v++) {
                FakeModels.picture(Files.createDirectories(labelled.resolve("c" + label)).resolve(v + ".png"),
                        label * 3 + v);
            }
        }
        CliRun l = run("eval", "labelled", labelled.toString(), "--models", "grid,coarse", "-k", "2", "--format",
                "json", "--progress", "none");
        assertThat(l.exitCode()).as(l.toString()).isZero();
        JsonNode lj = new ObjectMapper().readTree(l.out());
        assertThat(lj.get("images").asInt()).isEqualTo(6);
        assertThat(lj.get("methods")).hasSize(5);
        for (JsonNode m : lj.get("methods")) {
            assertThat(m.get("metrics").get("mAP@k").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(Files.isDirectory(tmp.resolve("labelled-index"))).isTrue(); // the default cache location

        Path nd = tmp.resolve("nd");
        List<String> manifest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FakeModels.picture(Files.createDirectories(nd.resolve("originals")).resolve(i + ".png"), i);
            FakeModels.picture(Files.createDirectories(nd.resolve("queries/jpeg")).resolve(i + ".jpg"), i);
            manifest.add("queries/jpeg/" + i + ".jpg\toriginals/" + i + ".png\tjpeg");
        }
        FakeModels.picture(Files.createDirectories(nd.resolve("distractors")).resolve("d.png"), 17);
        manifest.add("distractors/d.png\t-\tdistractor");
        Files.write(nd.resolve("manifest.tsv"), manifest);
        CliRun n = run("eval", "neardup", nd.toString(), "--models", "grid,coarse", "--progress", "none",
                "--threshold", "grid=0.99");
        assertThat(n.exitCode()).as(n.toString()).isZero();
        assertThat(n.out()).contains("3 originals, 3 transformed queries, 1 distractors")
                .contains("recall@1 per transform").contains("fusion rrf");
        CliRun nj = run("eval", "neardup", nd.toString(), "--models", "grid,coarse", "--progress", "none",
                "--format", "json");
        JsonNode j = new ObjectMapper().readTree(nj.out());
        assertThat(j.get("methods").get(0).get("metrics").get("recall@1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("thresholds")).hasSize(2);

        CliRun missing = run("eval", "neardup", tmp.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(ImageSearchCli.EXIT_USAGE);
        assertThat(missing.err()).contains("scripts/eval/build.sh");
    }
}
