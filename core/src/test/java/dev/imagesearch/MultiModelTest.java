package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.search.IndexedModel;
import dev.imagesearch.search.Match;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several models side by side: one collection each, one shared id map, each image decoded once. */
class MultiModelTest {

    @TempDir
    Path tmp;

    private List<Path> photos(int count) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(TestImages.write(tmp.resolve("photos/" + i + ".png"), TestImages.png(i, 32)));
        }
        return files;
    }

    private static BufferedImage image(long seed) {
        try {
            return new dev.imagesearch.image.ImageDecoder().decode(TestImages.png(seed, 32));
        } catch (dev.imagesearch.image.ImageDecodeException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PixelEmbedder small() {
        return PixelEmbedder.builder().name("small").grid(4).build();
    }

    private static PixelEmbedder large() {
        return PixelEmbedder.builder().name("large").grid(6).build();
    }

    @Test
    void everyModelGetsItsOwnCollectionAndAFileIsUnchangedOnlyWhenAllHaveIt() {
        List<Path> files = photos(9);
        try (ImageSearch search = ImageSearch.builder().embedder(small()).addEmbedder(large())
                .dataDirectory(tmp.resolve("data")).build()) {
            assertThat(search.models()).extracting(IndexedModel::name).containsExactly("small", "large");
            IndexReport first = search.index(files);
            assertThat(first.indexed()).isEqualTo(9);
            assertThat(first.embedded()).isEqualTo(9);
            assertThat(search.model("small").collection().count()).isEqualTo(9);
            assertThat(search.model("large").collection().count()).isEqualTo(9);
            assertThat(search.model("large").collection().spec().dimension()).isEqualTo(6 * 6 * 3);
            assertThat(search.count()).isEqualTo(9);
            assertThat(search.index(files).unchanged()).isEqualTo(9);

            List<Match> bySmall = search.similar(search.model("small"), image(4), 1);
            List<Match> byLarge = search.similar(search.model("large"), image(4), 1);
            assertThat(bySmall.get(0).location()).isEqualTo(ImageSearch.locationOf(files.get(4)));
            assertThat(byLarge.get(0).location()).isEqualTo(ImageSearch.locationOf(files.get(4)));
            assertThatThrownBy(() -> search.model("missing")).hasMessageContaining("small").hasMessageContaining("large");
        }
    }

    @Test
    void addingAModelLaterEmbedsOnlyWhatItIsMissing() {
        List<Path> files = photos(7);
        Path data = tmp.resolve("data");
        try (ImageSearch search = ImageSearch.builder().embedder(small()).dataDirectory(data).build()) {
            search.index(files);
        }
        AtomicInteger smallCalls = new AtomicInteger();
        PixelEmbedder counted = small();
        Embedder countingSmall = new Embedder() {
            @Override public String name() { return counted.name(); }
            @Override public int dimension() { return counted.dimension(); }
            @Override public String fingerprint() { return counted.fingerprint(); }
            @Override public float[] embed(BufferedImage image) {
                smallCalls.incrementAndGet();
                return counted.embed(image);
            }
        };
        try (ImageSearch search = ImageSearch.builder().embedder(countingSmall).addEmbedder(large())
                .dataDirectory(data).build()) {
            IndexReport report = search.index(files);
            assertThat(report.indexed()).isEqualTo(7);
            assertThat(report.embedded()).isEqualTo(7);
            assertThat(smallCalls).hasValue(0);
            assertThat(search.model("large").collection().count()).isEqualTo(7);
            assertThat(search.model("small").collection().count()).isEqualTo(7);
            assertThat(search.index(files).unchanged()).isEqualTo(7);
            assertThat(search.verify().consistent()).isTrue();
        }
    }

    @Test
    void oneModelFailingOnAnImageIsReportedAndTheOtherModelStillIndexesIt() throws Exception {
        List<Path> files = photos(5);
        Path odd = files.get(2);
        long oddId = ContentId.of(Files.readAllBytes(odd)).id();
        PixelEmbedder base = large();
        AtomicInteger failOn = new AtomicInteger(1);
        Embedder picky = new Embedder() {
            @Override public String name() { return "picky"; }
            @Override public int dimension() { return base.dimension(); }
            @Override public float[] embed(BufferedImage image) {
                float[] v = base.embed(image);
                if (failOn.get() == 1 && image.getRGB(0, 0) == image(2).getRGB(0, 0) && image.getRGB(31, 31) == image(2).getRGB(31, 31)) {
                    throw new IllegalStateException("cannot handle this picture");
                }
                return v;
            }
        };
        try (ImageSearch search = ImageSearch.builder().embedder(small()).addEmbedder(picky)
                .dataDirectory(tmp.resolve("data")).build()) {
            IndexReport report = search.index(files);
            assertThat(report.failures()).isEmpty();
            assertThat(report.indexed()).isEqualTo(5);
            assertThat(report.partialFailures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo(odd);
                assertThat(f.model()).isEqualTo("picky");
                assertThat(f.reason()).contains("cannot handle this picture");
            });
            assertThat(search.model("picky").collection().existing(List.of(oddId))).isEmpty();
            assertThat(search.model("small").collection().existing(List.of(oddId))).containsExactly(oddId);

            failOn.set(0); // the model is fixed: the next run embeds only what it missed
            IndexReport again = search.index(files);
            assertThat(again.unchanged()).isEqualTo(4);
            assertThat(again.indexed()).isEqualTo(1);
            assertThat(again.partialFailures()).isEmpty();
            assertThat(search.model("picky").collection().count()).isEqualTo(5);
        }
    }

    @Test
    void aBrokenFileFailsOnceWithItsReasonWhateverTheNumberOfModels() throws Exception {
        List<Path> files = new ArrayList<>(photos(3));
        Path text = TestImages.write(tmp.resolve("photos/text.jpg"), "hello".getBytes());
        files.add(text);
        try (ImageSearch search = ImageSearch.builder().embedder(small()).addEmbedder(large())
                .dataDirectory(tmp.resolve("data")).build()) {
            IndexReport report = search.index(files);
            assertThat(report.indexed()).isEqualTo(3);
            assertThat(report.failures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo(text);
                assertThat(f.reason()).contains("not a supported image format");
            });
        }
    }

    @Test
    void aMismatchedExistingCollectionFailsBeforeANewModelsCollectionIsCreated() {
        Path data = tmp.resolve("data");
        try (ImageSearch search = ImageSearch.builder().embedder(small()).dataDirectory(data).build()) {
            search.index(photos(2));
        }
        // "large" is new and listed first; "small" exists but was built with reduced decoding on
        assertThatThrownBy(() -> ImageSearch.builder().embedder(large()).addEmbedder(small()).dataDirectory(data)
                .reducedDecoding(false).build())
                .isInstanceOf(dev.imagesearch.store.CollectionMismatchException.class).hasMessageContaining("small");
        try (var store = dev.imagesearch.embedded.EmbeddedVectorStore.open(data)) {
            assertThat(store.collectionNames()).containsExactly("small");
        }
        // with matching settings the new model's collection is created, and the models keep their order
        try (ImageSearch search = ImageSearch.builder().embedder(large()).addEmbedder(small()).dataDirectory(data)
                .build()) {
            assertThat(search.models()).extracting(IndexedModel::name).containsExactly("large", "small");
        }
        try (var store = dev.imagesearch.embedded.EmbeddedVectorStore.open(data)) {
            assertThat(store.collectionNames()).containsExactlyInAnyOrder("small", "large");
        }
    }

    @Test
    void twoModelsWithTheSameNameAreRefused() {
        assertThatThrownBy(() -> ImageSearch.builder().embedder(small()).addEmbedder(small())
                .dataDirectory(tmp.resolve("data")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("small");
    }
}
