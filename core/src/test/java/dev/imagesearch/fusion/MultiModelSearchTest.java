package dev.imagesearch.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.compare.Comparison;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** searchAll and compare through the facade, with models of different dimensions and a failing model. */
class MultiModelSearchTest {

    @TempDir
    Path tmp;

    private List<Path> photos(int n) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(TestImages.write(tmp.resolve("p/" + i + ".png"), TestImages.png(i, 48)));
        }
        return files;
    }

    private static PixelEmbedder model(String name, int grid) {
        return PixelEmbedder.builder().name(name).grid(grid).build();
    }

    /** Fails on every image wider than {@code maxWidth}; else embeds like {@code delegate}. */
    private static Embedder failingAbove(int maxWidth, PixelEmbedder delegate) {
        return new Embedder() {
            @Override
            public String name() {
                return "picky";
            }

            @Override
            public int dimension() {
                return delegate.dimension();
            }

            @Override
            public float[] embed(BufferedImage image) {
                if (image.getWidth() > maxWidth) {
                    throw new IllegalStateException("image too wide for picky: " + image.getWidth());
                }
                return delegate.embed(image);
            }
        };
    }

    @Test
    void everyModelAnswersAndTheFusedListCarriesEachModelsRankAndScore() throws Exception {
        List<Path> files = photos(8);
        try (ImageSearch search = ImageSearch.builder().embedder(model("a", 2)).addEmbedder(model("b", 5))
                .dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            MultiModelResult r = search.searchAll(files.get(3), 3, Fusion.rrf());
            assertThat(r.perModel()).extracting(ModelResults::model).containsExactly("a", "b");
            assertThat(r.model("b").matches()).hasSize(8); // candidates: min(50, index size)
            assertThat(r.fused()).hasSize(3);
            FusedMatch top = r.fused().get(0);
            assertThat(top.location()).isEqualTo(ImageSearch.locationOf(files.get(3)));
            assertThat(top.perModel().get("a").rank()).isEqualTo(1);
            assertThat(top.perModel().get("b").rank()).isEqualTo(1);
            assertThat(top.perModel().get("b").score()).isGreaterThan(0.999f);
            assertThat(r.failures()).isEmpty();

            Comparison c = search.compare(files.get(3), 4);
            assertThat(c.perModel()).allSatisfy(m -> assertThat(m.matches()).hasSize(4));
            assertThat(c.pairs()).singleElement().satisfies(p -> {
                assertThat(p.a()).isEqualTo("a");
                assertThat(p.overlap()).isBetween(0.0, 1.0);
                assertThat(p.shared()).isGreaterThanOrEqualTo(1); // both find the query itself
            });
            assertThat(search.searchAll(files.get(3), 0, Fusion.rrf()).fused()).isEmpty();
            assertThatThrownBy(() -> search.searchAll(files.get(3), -1, Fusion.rrf())).hasMessageContaining("-1");
            assertThatThrownBy(() -> search.compare(files.get(3), -2)).hasMessageContaining("-2");
        }
    }

    @Test
    void aModelThatFailsOnTheQueryIsLeftOutAndNamed() {
        List<Path> files = photos(4);
        try (ImageSearch search = ImageSearch.builder().embedder(model("a", 3))
                .addEmbedder(failingAbove(100, model("x", 3))).dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            MultiModelResult r = search.searchAll(TestImages.blocks(1, 200), 2, Fusion.weighted());
            assertThat(r.perModel()).extracting(ModelResults::model).containsExactly("a");
            assertThat(r.failures()).containsOnlyKeys("picky");
            assertThat(r.failures().get("picky")).contains("too wide");
            assertThat(r.fused()).hasSize(2);
        }
        try (ImageSearch search = ImageSearch.builder().embedder(failingAbove(100, model("x", 3)))
                .dataDirectory(tmp.resolve("data2")).build()) {
            assertThatThrownBy(() -> search.searchAll(TestImages.blocks(1, 200), 2, Fusion.rrf()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("Every model failed")
                    .hasMessageContaining("too wide");
        }
    }

    @Test
    void anEmptyIndexGivesEmptyListsNotErrors() {
        try (ImageSearch search = ImageSearch.builder().embedder(model("a", 2)).addEmbedder(model("b", 4))
                .dataDirectory(tmp.resolve("data")).build()) {
            MultiModelResult r = search.searchAll(TestImages.blocks(1, 32), 5, Fusion.rrf());
            assertThat(r.fused()).isEmpty();
            assertThat(r.perModel()).allSatisfy(m -> assertThat(m.matches()).isEmpty());
            Comparison c = search.compare(TestImages.blocks(1, 32), 5);
            assertThat(c.pairs().get(0).overlap()).isEqualTo(1.0);
            assertThat(search.duplicates().groups()).isEmpty();
        }
    }
}
