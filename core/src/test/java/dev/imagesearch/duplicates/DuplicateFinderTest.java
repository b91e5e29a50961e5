package dev.imagesearch.duplicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.embed.Embedder;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuplicateFinderTest {

    @TempDir
    Path tmp;

    private static BufferedImage scaled(BufferedImage src, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    /** 6 distinct pictures; picture 0 also as a smaller PNG and a JPEG, picture 3 also as a smaller PNG. */
    private List<Path> photos() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            files.add(TestImages.write(tmp.resolve("p/" + i + ".png"), TestImages.png(i, 64)));
        }
        BufferedImage zero = TestImages.blocks(0, 64);
        files.add(TestImages.write(tmp.resolve("p/0-small.png"), TestImages.encode(scaled(zero, 32), "png")));
        files.add(TestImages.write(tmp.resolve("p/0-copy.jpg"), TestImages.encode(zero, "jpg")));
        files.add(TestImages.write(tmp.resolve("p/3-small.png"),
                TestImages.encode(scaled(TestImages.blocks(3, 64), 48), "png")));
        return files;
    }

    private ImageSearch open() {
        return ImageSearch.builder().embedder(PixelEmbedder.builder().build()).dataDirectory(tmp.resolve("data"))
                .build();
    }

    @Test
    void groupsNearIdenticalImagesWithTheLargestFirst() {
        try (ImageSearch search = open()) {
            search.index(photos());
            DuplicateFinder.Result r = DuplicateFinder.builder(search).threshold(0.98).build().find();
            assertThat(r.checked()).isEqualTo(9);
            assertThat(r.skipped()).isZero();
            assertThat(r.groups()).hasSize(2);
            DuplicateGroup first = r.groups().get(0); // the bigger group first
            assertThat(first.members()).extracting(m -> Path.of(m.location()).getFileName().toString())
                    .containsExactlyInAnyOrder("0.png", "0-copy.jpg", "0-small.png");
            assertThat(first.best().pixels()).isEqualTo(64 * 64);
            assertThat(first.members().get(2).location()).endsWith("0-small.png"); // fewest pixels last
            assertThat(first.members().get(2).width()).isEqualTo(32);
            assertThat(first.minScore()).isGreaterThanOrEqualTo(0.98f);
            DuplicateGroup second = r.groups().get(1);
            assertThat(second.members()).extracting(m -> Path.of(m.location()).getFileName().toString())
                    .containsExactly("3.png", "3-small.png");
            // the facade delegates
            assertThat(search.duplicates(0.98).groups()).hasSize(2);
        }
    }

    /** Says SAME of 1.png + 2.png, DIFFERENT of any pair with 0-copy.jpg, UNKNOWN of the rest; records the pairs. */
    private static class StubVerifier implements PairVerifier {
        final List<Pair> asked = new ArrayList<>();

        @Override
        public String name() {
            return "stub";
        }

        @Override
        public double floor() {
            return -1; // every neighbour pair is checked (these synthetic pictures score anywhere from -1 to 1)
        }

        @Override
        public double mergeFloor() {
            return -1;
        }

        @Override
        public List<Verdict> verify(List<Pair> pairs) {
            asked.addAll(pairs);
            return pairs.stream().map(p -> {
                String a = Path.of(p.first()).getFileName().toString();
                String b = Path.of(p.second()).getFileName().toString();
                if (a.equals("0-copy.jpg") || b.equals("0-copy.jpg")) {
                    return Verdict.DIFFERENT;
                }
                return (a + b).equals("1.png2.png") || (a + b).equals("2.png1.png") ? Verdict.SAME : Verdict.UNKNOWN;
            }).toList();
        }
    }

    @Test
    void aVerifierLinksAndSeparatesPairsWhateverTheirScoreAndLeavesTheRestToTheRule() {
        try (ImageSearch search = open()) {
            search.index(photos());
            StubVerifier stub = new StubVerifier();
            DuplicateFinder finder = DuplicateFinder.builder(search).threshold(0.98).verifier(stub).build();
            DuplicateFinder.Result r = finder.find();
            assertThat(finder.verifier()).contains(stub);
            assertThat(r.groups()).extracting(g -> g.members().stream()
                    .map(m -> Path.of(m.location()).getFileName().toString()).sorted().toList())
                    .containsExactlyInAnyOrder(List.of("0-small.png", "0.png"), List.of("3-small.png", "3.png"),
                            List.of("1.png", "2.png"));
            // each candidate pair asked about once, the low-scoring 1 + 2 among them
            assertThat(stub.asked).doesNotHaveDuplicates();
            assertThat(stub.asked).anyMatch(p -> Path.of(p.first()).getFileName().toString().matches("[12]\\.png")
                    && Path.of(p.second()).getFileName().toString().matches("[12]\\.png"));
            // the calibration runs the same rule: at 0.98 it finds the same pairs
            java.util.Map<Long, String> labels = new java.util.HashMap<>();
            for (String name : List.of("0.png", "0-small.png", "1.png", "2.png")) {
                labels.put(search.idMapper().lookup(ImageSearch.locationOf(tmp.resolve("p/" + name))).orElseThrow()
                        .id(), name.startsWith("0") ? "zero" : "one-two");
            }
            DuplicateCalibration.Report cal = DuplicateCalibration.run(finder, labels, List.of(0.98));
            assertThat(cal.best().correctPairs()).isEqualTo(2);
        }
        PairVerifier wrong = new StubVerifier() {
            @Override
            public List<Verdict> verify(List<Pair> pairs) {
                return List.of();
            }
        };
        try (ImageSearch search = open()) {
            search.index(photos());
            assertThatThrownBy(() -> DuplicateFinder.builder(search).verifier(wrong).build().find())
                    .hasMessageContaining("stub returned 0 verdicts for");
        }
    }

    @Test
    void aStricterThresholdFindsNothingAndAnEmptyIndexHasNoGroups() {
        try (ImageSearch search = open()) {
            assertThat(search.duplicates(0.5).groups()).isEmpty();
            assertThat(search.duplicates(0.5).checked()).isZero();
            search.index(photos());
            assertThat(search.duplicates(1.01).groups()).isEmpty();
            // threshold -1 links every neighbour: with 10 neighbours of 9 images, one group of all
            assertThat(search.duplicates(-1).groups()).singleElement()
                    .satisfies(g -> assertThat(g.members()).hasSize(9));
            assertThatThrownBy(() -> DuplicateFinder.builder(search).neighbours(0)).hasMessageContaining("0");
        }
    }

    @Test
    void aStoreThatCannotReturnVectorsFallsBackToReembedding() {
        try (ImageSearch search = open()) {
            search.index(photos());
            VectorCollection real = search.collection();
            VectorCollection noVectors = new DelegatingCollection(real) {
                @Override
                public Optional<float[]> vector(long id) {
                    throw new UnsupportedOperationException("no vectors here");
                }

                @Override
                public java.util.Map<Long, float[]> vectors(java.util.Collection<Long> ids) {
                    throw new UnsupportedOperationException("no vectors here");
                }
            };
            var model = new dev.imagesearch.search.IndexedModel("test-pixels", search.embedder(), noVectors);
            DuplicateFinder.Result r = DuplicateFinder.builder(search).model(model).threshold(0.98).build().find();
            assertThat(r.groups()).hasSize(2);
            assertThat(r.skipped()).isZero();
        }
    }

    @Test
    void vectorsAndNeighboursAreFetchedInBatchesNotImageByImage() {
        try (ImageSearch search = open()) {
            search.index(photos());
            int[] calls = new int[4]; // search, searchBatch, vector, vectors
            VectorCollection counting = new DelegatingCollection(search.collection()) {
                @Override
                public List<dev.imagesearch.store.ScoredId> search(float[] query, int k) {
                    calls[0]++;
                    return super.search(query, k);
                }

                @Override
                public List<List<dev.imagesearch.store.ScoredId>> searchBatch(List<float[]> queries, int k) {
                    calls[1]++;
                    return search.collection().searchBatch(queries, k);
                }

                @Override
                public Optional<float[]> vector(long id) {
                    calls[2]++;
                    return search.collection().vector(id);
                }

                @Override
                public java.util.Map<Long, float[]> vectors(java.util.Collection<Long> ids) {
                    calls[3]++;
                    return search.collection().vectors(ids);
                }
            };
            var model = new dev.imagesearch.search.IndexedModel("test-pixels", search.embedder(), counting);
            DuplicateFinder.Result r = DuplicateFinder.builder(search).model(model).threshold(0.98).build().find();
            assertThat(r.groups()).hasSize(2);
            // 9 images, one chunk: one read and one batch search for the neighbours, one read of the paired ones
            assertThat(calls).containsExactly(0, 1, 0, 2);
        }
    }

    @Test
    void moreImagesThanOneChunkAreAllSearchedAndCopiesFoundAcrossChunks() {
        int pictures = CandidateCollector.CHUNK / 2 + 32; // originals + copies: two chunks
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < pictures; i++) {
            files.add(TestImages.write(tmp.resolve("many/" + i + ".png"), TestImages.png(i, 64)));
            files.add(TestImages.write(tmp.resolve("many/" + i + ".jpg"),
                    TestImages.encode(TestImages.blocks(i, 64), "jpg")));
        }
        try (ImageSearch search = open()) {
            search.index(files);
            int[] batches = new int[1];
            VectorCollection counting = new DelegatingCollection(search.collection()) {
                @Override
                public List<List<dev.imagesearch.store.ScoredId>> searchBatch(List<float[]> queries, int k) {
                    batches[0]++;
                    return search.collection().searchBatch(queries, k);
                }

                @Override
                public java.util.Map<Long, float[]> vectors(java.util.Collection<Long> ids) {
                    return search.collection().vectors(ids);
                }
            };
            var model = new dev.imagesearch.search.IndexedModel("test-pixels", search.embedder(), counting);
            DuplicateFinder.Result r = DuplicateFinder.builder(search).model(model).threshold(0.98).build().find();
            assertThat(r.checked()).isEqualTo(2 * pictures);
            assertThat(r.skipped()).isZero();
            assertThat(batches[0]).isEqualTo(2);
            // ids are content hashes, so originals and copies fall into both chunks in no order: each copy is
            // found with its original wherever the two landed
            for (int i = 0; i < pictures; i++) {
                String png = tmp.resolve("many/" + i + ".png").toString();
                String jpg = tmp.resolve("many/" + i + ".jpg").toString();
                assertThat(r.groups()).as("picture %d", i).anySatisfy(g -> assertThat(g.members())
                        .extracting(DuplicateGroup.Member::location).contains(png, jpg));
            }
        }
    }

    @Test
    void theDefaultThresholdComesFromTheModelsMetadataElseTheFallback() {
        try (ImageSearch search = open()) {
            // PixelEmbedder has no metadata
            assertThat(DuplicateFinder.hasCalibratedThreshold(search.models().get(0))).isFalse();
            assertThat(DuplicateFinder.builder(search).build().threshold())
                    .isEqualTo(DuplicateFinder.FALLBACK_THRESHOLD);
            assertThatThrownBy(() -> DuplicateFinder.builder(search).threshold(Double.NaN))
                    .hasMessageContaining("NaN");
        }
        Embedder calibrated = new ThresholdEmbedder(PixelEmbedder.builder().build(), 0.83);
        try (ImageSearch search = ImageSearch.builder().embedder(calibrated).dataDirectory(tmp.resolve("d2"))
                .build()) {
            assertThat(DuplicateFinder.hasCalibratedThreshold(search.models().get(0))).isTrue();
            assertThat(DuplicateFinder.builder(search).build().threshold()).isEqualTo(0.83);
            assertThat(DuplicateFinder.builder(search).threshold(0.9).build().threshold()).isEqualTo(0.9);
        }
    }

    /** An embedder with a calibrated duplicate threshold in its metadata. */
    private static final class ThresholdEmbedder implements Embedder {
        private final Embedder d;
        private final double threshold;

        ThresholdEmbedder(Embedder d, double threshold) {
            this.d = d;
            this.threshold = threshold;
        }

        @Override
        public String name() {
            return d.name();
        }

        @Override
        public int dimension() {
            return d.dimension();
        }

        @Override
        public float[] embed(BufferedImage image) {
            return d.embed(image);
        }

        @Override
        public OptionalDouble duplicateThreshold() {
            return OptionalDouble.of(threshold);
        }
    }

    /** Forwards everything to another collection. */
    private static class DelegatingCollection implements VectorCollection {
        private final VectorCollection d;

        DelegatingCollection(VectorCollection d) {
            this.d = d;
        }

        @Override
        public dev.imagesearch.store.CollectionSpec spec() {
            return d.spec();
        }

        @Override
        public void upsert(List<dev.imagesearch.store.VectorRecord> records) {
            d.upsert(records);
        }

        @Override
        public List<dev.imagesearch.store.ScoredId> search(float[] query, int k) {
            return d.search(query, k);
        }

        @Override
        public int delete(java.util.Collection<Long> ids) {
            return d.delete(ids);
        }

        @Override
        public java.util.Set<Long> existing(java.util.Collection<Long> ids) {
            return d.existing(ids);
        }

        @Override
        public long count() {
            return d.count();
        }

        @Override
        public void forEachId(java.util.function.LongConsumer action) {
            d.forEachId(action);
        }

        @Override
        public void flush() {
            d.flush();
        }
    }
}
