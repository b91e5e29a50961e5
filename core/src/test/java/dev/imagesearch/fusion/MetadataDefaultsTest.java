package dev.imagesearch.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** What model metadata turns on in {@link MultiModelSearch}: prior weights and query expansion. */
class MetadataDefaultsTest {

    @TempDir
    Path tmp;

    /** A PixelEmbedder that reports the given metadata. */
    private static Embedder with(PixelEmbedder e, Map<String, String> properties) {
        return new Embedder() {
            @Override
            public String name() {
                return e.name();
            }

            @Override
            public int dimension() {
                return e.dimension();
            }

            @Override
            public String fingerprint() {
                return e.fingerprint();
            }

            @Override
            public float[] embed(BufferedImage image) {
                return e.embed(image);
            }

            @Override
            public Map<String, String> properties() {
                return properties;
            }
        };
    }

    private List<Path> photos(int n) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(TestImages.write(tmp.resolve("p/" + i + ".png"), TestImages.png(i, 48)));
        }
        return files;
    }

    @Test
    void priorsFromTheModelsMetadataWeighTheDefaultFusion() throws Exception {
        List<Path> files = photos(6);
        try (ImageSearch search = ImageSearch.builder()
                .embedder(with(PixelEmbedder.builder().name("a").grid(2).build(), Map.of(QualityPriors.KEY, "0.5")))
                .addEmbedder(with(PixelEmbedder.builder().name("b").grid(5).build(),
                        Map.of(QualityPriors.KEY, "0.25")))
                .dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            MultiModelResult r = search.searchAll(files.get(2), 3, Fusion.parse("zscore").build());
            assertThat(r.fusion().priors()).containsEntry("a", 0.5).containsEntry("b", 0.25);
            assertThat(r.fusion().effectiveWeights(List.of("a", "b"))).containsEntry("a", 1.0)
                    .containsEntry("b", 0.125);
            assertThat(r.fused().get(0).location()).isEqualTo(ImageSearch.locationOf(files.get(2)));
        }
    }

    @Test
    void aVariantFusedWithItsBaseIsLeftOutAndTheFusedListIsTheBaseModelsList() throws Exception {
        List<Path> files = photos(6);
        try (ImageSearch search = ImageSearch.builder()
                .embedder(with(PixelEmbedder.builder().name("a").grid(2).build(), Map.of(QualityPriors.KEY, "0.48")))
                .addEmbedder(with(PixelEmbedder.builder().name("a-int8").grid(5).build(),
                        Map.of(QualityPriors.KEY, "0.47", QualityPriors.VARIANT_KEY, "a")))
                .dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            MultiModelResult r = search.searchAll(files.get(2), 4, Fusion.parse("zscore").build());
            assertThat(r.fusion().variants()).containsExactly(Map.entry("a-int8", "a"));
            assertThat(r.fusion().effectiveWeights(List.of("a", "a-int8"))).containsEntry("a", 1.0)
                    .containsEntry("a-int8", 0.0);
            List<String> fused = r.fused().stream().map(FusedMatch::location).toList();
            List<String> alone = r.perModel().stream().filter(m -> m.model().equals("a")).findFirst().orElseThrow()
                    .matches().stream().limit(4).map(dev.imagesearch.search.Match::location).toList();
            assertThat(fused).isEqualTo(alone);
        }
    }

    @Test
    void aVariantFindsItsBaseUnderAnotherCollectionNameAndAlongAChain() throws Exception {
        List<Path> files = photos(6);
        try (ImageSearch search = ImageSearch.builder()
                .embedder(with(PixelEmbedder.builder().name("a").grid(2).build(), Map.of(QualityPriors.KEY, "0.48")))
                .collectionName("photos") // the base's collection is not named after the model
                .addEmbedder(with(PixelEmbedder.builder().name("a-int8").grid(5).build(),
                        Map.of(QualityPriors.KEY, "0.47", QualityPriors.VARIANT_KEY, "a")))
                .addEmbedder(with(PixelEmbedder.builder().name("a-int8-gem").grid(3).build(),
                        Map.of(QualityPriors.KEY, "0.46", QualityPriors.VARIANT_KEY, "a-int8")))
                .dataDirectory(tmp.resolve("data")).build()) {
            search.index(files);
            MultiModelResult r = search.searchAll(files.get(2), 4, Fusion.parse("zscore").build());
            assertThat(r.fusion().variants()).containsEntry("a-int8", "photos").containsEntry("a-int8-gem", "photos");
            assertThat(r.fusion().effectiveWeights(List.of("photos", "a-int8", "a-int8-gem")))
                    .containsEntry("photos", 1.0).containsEntry("a-int8", 0.0).containsEntry("a-int8-gem", 0.0);
        }
    }

    /**
     * A refinement key in a model's metadata: the image's own score drops below 1 and the list changes (the image is
     * compared with an expanded query, or with its vector averaged with its neighbours'); a malformed value is an
     * error naming the model and the key.
     */
    @ParameterizedTest
    @CsvSource({"query.expansion, 2, many, query expansion 'many'",
            "database.augmentation, 2, 0, database augmentation needs >= 1"})
    void refinementsFromTheModelsMetadataChangeTheSearch(String key, String value, String bad, String why)
            throws Exception {
        List<Path> files = photos(6);
        PixelEmbedder a = PixelEmbedder.builder().name("a").grid(3).build();
        List<Float> plain;
        try (ImageSearch search = ImageSearch.builder().embedder(a).dataDirectory(tmp.resolve("plain")).build()) {
            search.index(files);
            plain = search.searchAll(files.get(1), 6, Fusion.rrf()).model("a").matches().stream()
                    .map(dev.imagesearch.search.Match::score).toList();
        }
        try (ImageSearch search = ImageSearch.builder().embedder(with(a, Map.of(key, value)))
                .dataDirectory(tmp.resolve("refined")).build()) {
            search.index(files);
            List<Float> refined = search.searchAll(files.get(1), 6, Fusion.rrf()).model("a").matches().stream()
                    .map(dev.imagesearch.search.Match::score).toList();
            assertThat(plain.get(0)).isGreaterThan(0.999f);
            assertThat(refined.get(0)).isLessThan(0.99f);
            assertThat(refined).hasSize(6).isNotEqualTo(plain);
        }
        try (ImageSearch search = ImageSearch.builder().embedder(with(a, Map.of(key, bad)))
                .dataDirectory(tmp.resolve("bad")).build()) {
            search.index(files);
            assertThatThrownBy(() -> search.searchAll(files.get(1), 3, Fusion.rrf()))
                    .hasMessageContaining("Model a: " + key + ": " + why);
        }
        assertThat(key).isIn(MultiModelSearch.QUERY_EXPANSION_KEY, MultiModelSearch.DATABASE_AUGMENTATION_KEY);
    }
}
