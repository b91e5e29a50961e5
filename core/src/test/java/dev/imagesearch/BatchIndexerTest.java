package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.PreparedImage;
import dev.imagesearch.image.ContentId;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelined indexing: the next batch is read and decoded while the current one is embedded, but what it
 * must embed is decided only after the current batch's writes; reduced-resolution decoding.
 */
class BatchIndexerTest {

    @TempDir
    Path tmp;

    /** Mean colour of the image (3-d), slow on purpose so that prefetching overlaps; records image widths. */
    static final class RecordingEmbedder implements Embedder {
        final List<Integer> widths = Collections.synchronizedList(new ArrayList<>());
        final int minSide;

        RecordingEmbedder(int minSide) {
            this.minSide = minSide;
        }

        @Override
        public String name() {
            return "mean-colour";
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public int minimumInputSide() {
            return minSide;
        }

        @Override
        public float[] embed(BufferedImage image) {
            widths.add(image.getWidth());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            double r = 0;
            double g = 0;
            double b = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int p = image.getRGB(x, y);
                    r += (p >> 16) & 255;
                    g += (p >> 8) & 255;
                    b += p & 255;
                }
            }
            double n = Math.sqrt(r * r + g * g + b * b) + 1e-9;
            return new float[] {(float) (r / n), (float) (g / n), (float) (b / n)};
        }

        @Override
        public List<float[]> embedBatch(List<BufferedImage> images) {
            return images.stream().map(this::embed).toList();
        }
    }

    private ImageSearch.Builder builder(Embedder e) {
        return ImageSearch.builder().embedder(e).dataDirectory(tmp.resolve("data")).decodeThreads(2);
    }

    private Path png(String name, long seed, int size) {
        return TestImages.write(tmp.resolve("photos").resolve(name), TestImages.png(seed, size));
    }

    @Test
    void contentSeenInAnEarlierBatchIsEmbeddedOnceThoughTheNextBatchIsPrefetched() throws Exception {
        Path a = png("a.png", 1, 32);
        Path b = png("b.png", 2, 32);
        Path c = Files.copy(a, tmp.resolve("photos/c.png"));
        Path d = Files.copy(b, tmp.resolve("photos/d.png"));
        Path e = png("e.png", 3, 32);
        RecordingEmbedder embedder = new RecordingEmbedder(0);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (ImageSearch search = builder(embedder).batchSize(2).build()) {
            IndexReport r = search.index(List.of(a, b, c, d, e),
                    (path, outcome, reason) -> events.add(path.getFileName() + ":" + outcome));
            assertThat(r.indexed()).isEqualTo(5);
            assertThat(r.embedded()).isEqualTo(3);
            assertThat(embedder.widths).hasSize(3);
            assertThat(search.collection().count()).isEqualTo(3);
            // events come batch by batch, in order
            assertThat(events).containsExactly("a.png:INDEXED", "b.png:INDEXED", "c.png:INDEXED", "d.png:INDEXED",
                    "e.png:INDEXED");
        }
    }

    @Test
    void contentWhoseVectorAnEarlierBatchDeletedIsEmbeddedAgain() throws Exception {
        Path x = png("x.png", 1, 32);
        byte[] oldContent = Files.readAllBytes(x);
        RecordingEmbedder embedder = new RecordingEmbedder(0);
        try (ImageSearch search = builder(embedder).batchSize(1).build()) {
            search.index(List.of(x));
            // x changes: its old content loses its last location in batch 1; y brings that content back in
            // batch 2, which was prefetched while the old vector still existed
            TestImages.write(x, TestImages.png(2, 32));
            Path y = TestImages.write(tmp.resolve("photos/y.png"), oldContent);
            IndexReport r = search.index(List.of(x, y));
            assertThat(r.failures()).isEmpty();
            assertThat(r.indexed()).isEqualTo(2);
            assertThat(r.embedded()).isEqualTo(2);
            long oldId = ContentId.of(oldContent).id();
            assertThat(search.collection().existing(List.of(oldId))).containsExactly(oldId);
            assertThat(search.verify().vectorsWithoutMapping()).isEmpty();
            assertThat(search.verify().mappingsWithoutVector()).isEmpty();
            assertThat(search.similar(y, 1).get(0).location()).isEqualTo(ImageSearch.locationOf(y));
        }
    }

    @Test
    void aFileThatCannotBeDecodedFailsOnlyWhenItMustBeEmbedded() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            files.add(png(i + ".png", i, 32));
        }
        byte[] good = TestImages.png(99, 32);
        Path broken = TestImages.write(tmp.resolve("photos/broken.png"),
                java.util.Arrays.copyOf(good, good.length / 2));
        files.add(3, broken);
        RecordingEmbedder embedder = new RecordingEmbedder(0);
        try (ImageSearch search = builder(embedder).batchSize(2).build()) {
            IndexReport r = search.index(files);
            assertThat(r.indexed()).isEqualTo(7);
            assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.path()).isEqualTo(broken));
            IndexReport again = search.index(files);
            assertThat(again.unchanged()).isEqualTo(7);
            assertThat(again.failures()).hasSize(1);
        }
    }

    @Test
    void largeImagesAreDecodedAtReducedResolutionUnlessTurnedOff() throws Exception {
        Path big = png("big.png", 5, 1200);
        Path small = png("small.png", 6, 300);
        RecordingEmbedder reduced = new RecordingEmbedder(100);
        try (ImageSearch search = builder(reduced).build()) {
            search.index(List.of(big, small));
            // 1200 px for a 100 px model with margin 2: subsampled by 6 to 200 px; 300 px stays in full
            assertThat(reduced.widths).containsExactly(200, 300);
            // a query file is decoded the same way, so the indexed file finds itself with score 1
            assertThat(search.similar(big, 1).get(0).score()).isCloseTo(1.0f, within(1e-6f));
        }
        RecordingEmbedder full = new RecordingEmbedder(100);
        try (ImageSearch search = builder(full).dataDirectory(tmp.resolve("data-full")).reducedDecoding(false)
                .build()) {
            search.index(List.of(big, small));
            assertThat(full.widths).containsExactly(1200, 300);
        }
    }

    /** Prepares off the indexing thread (recording the thread), and fails to prepare one image on purpose. */
    static final class PreparingEmbedder implements Embedder {
        final RecordingEmbedder inner = new RecordingEmbedder(0);
        final List<String> prepareThreads = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> preparedWidths = Collections.synchronizedList(new ArrayList<>());
        final int failWidth;
        final String name;

        PreparingEmbedder(int failWidth) {
            this(failWidth, "mean-colour");
        }

        PreparingEmbedder(int failWidth, String name) {
            this.failWidth = failWidth;
            this.name = name;
        }

        record Mean(BufferedImage image, float[] vector) implements PreparedImage {
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public float[] embed(BufferedImage image) {
            return inner.embed(image);
        }

        @Override
        public PreparedImage prepare(BufferedImage image) {
            prepareThreads.add(Thread.currentThread().getName());
            if (image.getWidth() == failWidth) {
                throw new IllegalStateException("cannot prepare this one ahead");
            }
            return new Mean(image, inner.embed(image));
        }

        @Override
        public List<float[]> embedPrepared(List<PreparedImage> images) {
            List<float[]> out = new ArrayList<>();
            for (PreparedImage p : images) {
                out.add(p instanceof Mean m ? m.vector() : embed(p.image()));
                preparedWidths.add(p instanceof Mean ? p.image().getWidth() : -1);
            }
            return out;
        }
    }

    @Test
    void imagesArePreparedOnTheDecodeThreadsAndOneThatCannotBeIsPreparedWhenEmbedded() throws Exception {
        Path a = png("a.png", 1, 32);
        Path b = png("b.png", 2, 33);
        Path c = png("c.png", 3, 34);
        PreparingEmbedder embedder = new PreparingEmbedder(33);
        try (ImageSearch search = builder(embedder).batchSize(2).build()) {
            IndexReport r = search.index(List.of(a, b, c));
            assertThat(r.indexed()).isEqualTo(3);
            assertThat(r.failures()).isEmpty();
            // all three ahead on the pool; b failed there, so the indexing thread prepared it again, failed again,
            // and its batch (a, b) went the per-image way that finds the culprit: embed() of each image
            assertThat(embedder.prepareThreads).filteredOn(t -> t.startsWith("imagesearch-decode")).hasSize(3);
            assertThat(embedder.prepareThreads).hasSize(4);
            assertThat(embedder.preparedWidths).containsExactly(34);
            assertThat(search.similar(b, 1).get(0).location()).endsWith("b.png");
        }
    }

    @Test
    void imagesArePreparedAheadOnlyForTheModelsThatLackTheirVectors() throws Exception {
        Path a = png("a.png", 1, 32);
        Path b = png("b.png", 2, 33);
        try (ImageSearch search = builder(new PreparingEmbedder(-1, "first")).build()) {
            assertThat(search.index(List.of(a, b)).embedded()).isEqualTo(2);
        }
        PreparingEmbedder first = new PreparingEmbedder(-1, "first");
        PreparingEmbedder second = new PreparingEmbedder(-1, "second"); // a model added to the index
        try (ImageSearch search = ImageSearch.builder().embedder(first).addEmbedder(second)
                .dataDirectory(tmp.resolve("data")).decodeThreads(2).build()) {
            IndexReport r = search.index(List.of(a, b));
            assertThat(r.embedded()).isEqualTo(2);
            assertThat(second.preparedWidths).containsExactlyInAnyOrder(32, 33);
            assertThat(first.prepareThreads).isEmpty();
            assertThat(first.preparedWidths).isEmpty();
        }
    }
}
