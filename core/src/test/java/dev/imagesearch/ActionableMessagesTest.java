package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.error.ImageSearchException;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Java user sees when something goes wrong: the path, the setting that differs and the fix. */
class ActionableMessagesTest {

    @TempDir
    Path tmp;

    private Path png(String name, long seed) {
        return TestImages.write(tmp.resolve("photos").resolve(name), TestImages.png(seed, 32));
    }

    private ImageSearch.Builder builder() {
        return ImageSearch.builder().embedder(PixelEmbedder.builder().build()).dataDirectory(tmp.resolve("data"))
                .decodeThreads(2);
    }

    @Test
    void similarOnAMissingFileNamesThePath() {
        Path missing = tmp.resolve("no-such-photo.jpg");
        try (ImageSearch search = builder().build()) {
            assertThatThrownBy(() -> search.similar(missing, 3))
                    .isInstanceOf(ImageDecodeException.class).isInstanceOf(ImageSearchException.class)
                    .hasMessageStartingWith(missing + ": ").hasMessageContaining("not found");
        }
    }

    @Test
    void similarOnACorruptFileNamesThePath() throws Exception {
        Path corrupt = Files.write(tmp.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        try (ImageSearch search = builder().build()) {
            assertThatThrownBy(() -> search.similar(corrupt, 3))
                    .isInstanceOf(ImageDecodeException.class).hasMessageStartingWith(corrupt + ": ");
        }
    }

    @Test
    void aModelFailingOnTheQueryNamesThePath() {
        Path a = png("a.png", 1);
        Embedder failing = new Embedder() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public int dimension() {
                return 4;
            }

            @Override
            public float[] embed(BufferedImage image) {
                throw new EmbeddingException("model output has NaN");
            }
        };
        try (ImageSearch search = ImageSearch.builder().embedder(failing).dataDirectory(tmp.resolve("f")).build()) {
            assertThatThrownBy(() -> search.similar(a, 3)).isInstanceOf(EmbeddingException.class)
                    .isInstanceOf(ImageSearchException.class)
                    .hasMessage(a + ": model output has NaN");
        }
    }

    @Test
    void reducedVersusFullDecodingSaysWhichSettingDiffersAndWhatToCall() {
        try (ImageSearch search = builder().build()) { // default: reduced decoding
            search.index(List.of(png("a.png", 1)));
        }
        assertThatThrownBy(() -> builder().reducedDecoding(false).build())
                .isInstanceOf(CollectionMismatchException.class).isInstanceOf(ImageSearchException.class)
                .hasMessageContaining("was built with reduced JPEG decoding (ImageIO); this builder uses full "
                        + "decoding (ImageIO): call reducedDecoding(true) on the builder, or rebuild the index")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(PixelEmbedder.builder().build().fingerprint() + ";"));
        // the other way round
        Path other = tmp.resolve("full");
        try (ImageSearch search = builder().dataDirectory(other).reducedDecoding(false).build()) {
            search.index(List.of(png("b.png", 2)));
        }
        assertThatThrownBy(() -> builder().dataDirectory(other).build())
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("was built with full decoding (ImageIO); this builder uses reduced JPEG decoding")
                .hasMessageContaining("call reducedDecoding(false)");
    }

    @Test
    void anotherModelIsNamedWithTheFix() {
        try (ImageSearch search = builder().collectionName("photos").build()) {
            search.index(List.of(png("a.png", 1)));
        }
        assertThatThrownBy(() -> ImageSearch.builder().embedder(PixelEmbedder.builder().name("other").build())
                .collectionName("photos").dataDirectory(tmp.resolve("data")).build())
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("Collection 'photos' was built with model '"
                        + PixelEmbedder.builder().build().fingerprint().split(";")[0] + "'; this builder uses model 'other")
                .hasMessageContaining("load that model to search this index, or rebuild the index");
    }

    @Test
    void theListenerHearsTheTotalFirst() {
        List<Path> files = List.of(png("a.png", 1), png("b.png", 2), png("c.png", 3));
        List<Integer> totals = new ArrayList<>();
        IndexListener listener = new IndexListener() {
            @Override
            public void started(int total) {
                totals.add(total);
            }

            @Override
            public void fileDone(Path path, Outcome outcome, String reason) {
                assertThat(totals).isNotEmpty();
            }
        };
        try (ImageSearch search = builder().build()) {
            search.index(files, listener);
            search.indexDirectory(tmp.resolve("photos"), listener);
            search.index(files::iterator, listener); // a lazy Iterable: unknown
        }
        assertThat(totals).containsExactly(3, 3, IndexListener.UNKNOWN_TOTAL);
    }

    @Test
    void cancellingStopsAfterTheCurrentBatchKeepingWhatWasDone() {
        for (int i = 0; i < 7; i++) {
            png("set/" + i + ".png", i);
        }
        List<Path> done = new ArrayList<>();
        IndexListener cancelAfterTwo = new IndexListener() {
            @Override
            public void fileDone(Path path, Outcome outcome, String reason) {
                done.add(path);
            }

            @Override
            public boolean cancelled() {
                return done.size() >= 2;
            }
        };
        try (ImageSearch search = builder().batchSize(2).build()) {
            assertThatThrownBy(() -> search.indexDirectory(tmp.resolve("photos/set"), cancelAfterTwo))
                    .isInstanceOf(IndexCancelledException.class).isInstanceOf(ImageSearchException.class)
                    .hasMessageContaining("cancelled after 2 files")
                    .satisfies(e -> assertThat(((IndexCancelledException) e).completed().indexed()).isEqualTo(2));
            assertThat(done).hasSize(2);
            assertThat(search.count()).isEqualTo(2);
            IndexReport rest = search.indexDirectory(tmp.resolve("photos/set"));
            assertThat(rest.unchanged()).isEqualTo(2);
            assertThat(rest.indexed()).isEqualTo(5);
        }
    }
}
