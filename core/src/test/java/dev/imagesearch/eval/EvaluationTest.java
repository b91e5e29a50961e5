package dev.imagesearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.query.DatabaseAugmentation;
import dev.imagesearch.query.QueryExpansion;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both harnesses on synthetic sets whose right answers are known. */
class EvaluationTest {

    @TempDir
    Path tmp;

    /** {@code blocks(seed)} with a small square of another colour at a position given by {@code variant}. */
    private static BufferedImage variant(long seed, int variant) {
        BufferedImage img = TestImages.blocks(seed, 64);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(variant * 40 % 256, 255 - variant * 30 % 256, 128));
        g.fillRect(variant * 9 % 56, variant * 5 % 56, 6, 6);
        g.dispose();
        return img;
    }

    private ImageSearch open(String dir) {
        return ImageSearch.builder().embedder(PixelEmbedder.builder().name("p4").grid(4).build())
                .addEmbedder(PixelEmbedder.builder().name("p2").grid(2).build())
                .dataDirectory(tmp.resolve(dir)).build();
    }

    @Test
    void labelledSetWithWellSeparatedClassesScoresPerfectly() {
        Path root = tmp.resolve("labelled");
        for (int label = 0; label < 3; label++) {
            for (int v = 0; v < 4; v++) {
                TestImages.write(root.resolve("class" + label + "/" + v + ".png"),
                        TestImages.encode(variant(label, v + 1), "png"));
            }
        }
        try (ImageSearch search = open("data")) {
            search.indexDirectory(root);
            LabelledEvaluation.Report r = LabelledEvaluation.builder(search, root).k(3).build().run();
            assertThat(r.images()).isEqualTo(12);
            assertThat(r.labels()).isEqualTo(3);
            assertThat(r.notIndexed()).isZero();
            assertThat(r.methods()).extracting(MethodScores::method)
                    .containsExactly("p4", "p2", "rrf", "minmax", "zscore");
            // 3 relevant images per query (the other variants of its class), all ranked first
            for (MethodScores s : r.methods()) {
                assertThat(s.queries()).isEqualTo(12);
                assertThat(s.get(LabelledEvaluation.MAP)).as(s.method()).isCloseTo(1.0, within(1e-9));
                assertThat(s.get(LabelledEvaluation.P1)).isEqualTo(1.0);
                assertThat(s.get(LabelledEvaluation.PK)).isEqualTo(1.0);
            }
            // with k=5 only 3 results can be relevant: P@5 = 3/5, mAP still 1
            LabelledEvaluation.Report r5 = LabelledEvaluation.builder(search, root).k(5).build().run();
            assertThat(r5.method("p4").get(LabelledEvaluation.PK)).isCloseTo(0.6, within(1e-9));
            assertThat(r5.method("rrf").get(LabelledEvaluation.MAP)).isCloseTo(1.0, within(1e-9));
            // refined searches leave the query out too (it would be a 4th relevant result in the top 5: P@5 0.8)
            LabelledEvaluation.Report refined = LabelledEvaluation.builder(search, root).k(5)
                    .refinement(new SearchRefinement(QueryExpansion.alpha(2, 3), DatabaseAugmentation.alpha(2, 3)))
                    .build().run();
            for (MethodScores s : refined.methods()) {
                assertThat(s.get(LabelledEvaluation.MAP)).as(s.method()).isCloseTo(1.0, within(1e-9));
                assertThat(s.get(LabelledEvaluation.PK)).as(s.method()).isCloseTo(0.6, within(1e-9));
            }
        }
    }

    @Test
    void nearDuplicatesAreFoundAndDistractorsRejected() {
        List<NearDuplicateEvaluation.Query> queries = new ArrayList<>();
        try (ImageSearch originals = open("orig"); ImageSearch queryIndex = open("queries")) {
            List<Path> origs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Path o = TestImages.write(tmp.resolve("o/" + i + ".png"), TestImages.png(i * 11, 64));
                origs.add(o);
                Path jpg = TestImages.write(tmp.resolve("q/jpeg/" + i + ".jpg"),
                        TestImages.encode(TestImages.blocks(i * 11, 64), "jpg"));
                Path small = TestImages.write(tmp.resolve("q/small/" + i + ".png"), TestImages.png(i * 11, 32));
                queries.add(new NearDuplicateEvaluation.Query(jpg, o, "jpeg"));
                queries.add(new NearDuplicateEvaluation.Query(small, o, "rescale"));
            }
            for (int d = 0; d < 3; d++) {
                Path p = TestImages.write(tmp.resolve("q/d/" + d + ".png"), TestImages.png(1000 + d, 64));
                queries.add(new NearDuplicateEvaluation.Query(p, null, "distractor"));
            }
            // a query whose file was never indexed is skipped and reported
            queries.add(new NearDuplicateEvaluation.Query(tmp.resolve("q/missing.png"), origs.get(0), "jpeg"));
            originals.index(origs);
            queryIndex.index(queries.stream().map(NearDuplicateEvaluation.Query::file)
                    .filter(p -> p.toFile().exists()).toList());

            NearDuplicateEvaluation.Report r = NearDuplicateEvaluation.builder(originals, queryIndex, queries)
                    .threshold("p4", 0.99).build().run();
            assertThat(r.originals()).isEqualTo(5);
            assertThat(r.queries()).isEqualTo(10);
            assertThat(r.distractors()).isEqualTo(3);
            assertThat(r.skipped()).singleElement().asString().contains("missing.png");
            for (MethodScores s : r.methods()) {
                assertThat(s.get(NearDuplicateEvaluation.R1)).as(s.method()).isEqualTo(1.0);
                assertThat(s.get(NearDuplicateEvaluation.R5)).isEqualTo(1.0);
                assertThat(s.get(NearDuplicateEvaluation.MRR)).isEqualTo(1.0);
            }
            assertThat(r.perTransform()).containsOnlyKeys("jpeg", "rescale");
            assertThat(r.perTransform().get("jpeg")).containsEntry("rrf", 1.0);
            NearDuplicateEvaluation.ThresholdStats t = r.thresholds().get(0);
            assertThat(t.model()).isEqualTo("p4");
            assertThat(t.threshold()).isEqualTo(0.99);
            assertThat(t.accepted()).isEqualTo(1.0); // copies score ~1
            assertThat(t.rejected()).isEqualTo(1.0); // random block pictures score well below 0.99
            assertThat(t.highestDistractor()).isLessThan(t.lowestTrueTop1());
            assertThat(t.suggested()).isBetween(t.highestDistractor(), t.lowestTrueTop1());
        }
    }

    @Test
    void suggestedThresholdMaximisesBalancedAccuracy() {
        // copies' top-1: 0.9 (right), 0.8 (right), 0.7 (wrong); distractors: 0.75, 0.5
        NearDuplicateEvaluation.ThresholdStats t = NearDuplicateEvaluation.thresholdStats("m", 0.6,
                List.of(0.9, 0.8, 0.7), List.of(true, true, false), List.of(0.9, 0.8), List.of(0.75, 0.5), 3);
        assertThat(t.accepted()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(t.rejected()).isEqualTo(0.5);
        // T in (0.75, 0.8] accepts 2/3 and rejects both: the best balanced accuracy; midpoint 0.775
        assertThat(t.suggested()).isCloseTo(0.775, within(1e-12));
        assertThat(t.lowestTrueTop1()).isEqualTo(0.8);
        assertThat(t.highestDistractor()).isEqualTo(0.75);
    }
}
