package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.image.ContentId;
import dev.imagesearch.image.ImageDecodeException;
import dev.imagesearch.image.ScaledJpegDecoder;
import dev.imagesearch.search.Match;
import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade over the embedded defaults, with a real (pixel-thumbnail) embedder. */
class ImageSearchTest {

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private ImageSearch open(PixelEmbedder embedder) {
        return ImageSearch.builder().embedder(embedder).dataDirectory(data()).decodeThreads(2).build();
    }

    private ImageSearch open() {
        return open(PixelEmbedder.builder().build());
    }

    private Path png(String name, long seed) {
        return TestImages.write(tmp.resolve("photos").resolve(name), TestImages.png(seed, 32));
    }

    private static long idOf(Path file) throws Exception {
        return ContentId.of(Files.readAllBytes(file)).id();
    }

    @Test
    void indexingAFolderTwiceChangesNothingTheSecondTime() {
        for (int i = 0; i < 12; i++) {
            png("set/" + i + ".png", i);
        }
        png("set/sub/deeper.png", 100);
        TestImages.write(tmp.resolve("photos/set/notes.txt"), "not an image".getBytes());
        try (ImageSearch search = open()) {
            IndexReport first = search.indexDirectory(tmp.resolve("photos/set"));
            assertThat(first.indexed()).isEqualTo(13);
            assertThat(first.embedded()).isEqualTo(13);
            assertThat(first.failures()).isEmpty();
            assertThat(search.count()).isEqualTo(13);
            assertThat(search.collection().count()).isEqualTo(13);

            IndexReport second = search.indexDirectory(tmp.resolve("photos/set"));
            assertThat(second.unchanged()).isEqualTo(13);
            assertThat(second.indexed()).isZero();
            assertThat(second.embedded()).isZero();
            assertThat(second.total()).isEqualTo(13);
        }
        // and after reopening
        try (ImageSearch search = open()) {
            IndexReport third = search.indexDirectory(tmp.resolve("photos/set"));
            assertThat(third.unchanged()).isEqualTo(13);
            assertThat(search.count()).isEqualTo(13);
        }
    }

    @Test
    void aChangedFileIsReEmbeddedAndItsOldVectorDeleted() throws Exception {
        Path a = png("a.png", 1);
        Path b = png("b.png", 2);
        try (ImageSearch search = open()) {
            search.index(List.of(a, b));
            long oldId = idOf(a);
            TestImages.write(a, TestImages.png(3, 32));
            long newId = idOf(a);

            List<String> outcomes = new ArrayList<>();
            IndexReport r = search.index(List.of(a, b), (p, o, why) -> outcomes.add(p.getFileName() + ":" + o));
            assertThat(r.indexed()).isEqualTo(1);
            assertThat(r.embedded()).isEqualTo(1);
            assertThat(r.unchanged()).isEqualTo(1);
            assertThat(outcomes).containsExactly("b.png:UNCHANGED", "a.png:INDEXED");
            assertThat(search.collection().existing(List.of(oldId, newId))).containsExactly(newId);
            assertThat(search.collection().count()).isEqualTo(2);
            assertThat(search.idMapper().get(oldId)).isEmpty();
            assertThat(search.idMapper().lookup(ImageSearch.locationOf(a)).orElseThrow().id()).isEqualTo(newId);
            assertThat(search.similar(a, 1).get(0).id()).isEqualTo(newId);
        }
    }

    @Test
    void aChangedFileKeepsTheOldVectorWhileACopyStillHoldsIt() throws Exception {
        Path a = png("a.png", 1);
        Path copy = TestImages.write(tmp.resolve("photos/copy.png"), Files.readAllBytes(a));
        try (ImageSearch search = open()) {
            search.index(List.of(a, copy));
            long oldId = idOf(a);
            TestImages.write(a, TestImages.png(3, 32));
            search.index(List.of(a));
            assertThat(search.collection().existing(List.of(oldId))).containsExactly(oldId);
            assertThat(search.idMapper().get(oldId).orElseThrow().locations())
                    .containsExactly(ImageSearch.locationOf(copy));
            assertThat(search.count()).isEqualTo(2);
        }
    }

    @Test
    void theSameBytesUnderTwoPathsAreOneVectorWithTwoLocations() throws Exception {
        Path a = png("x/a.png", 5);
        Path b = TestImages.write(tmp.resolve("photos/y/b.png"), Files.readAllBytes(a));
        try (ImageSearch search = open()) {
            IndexReport r = search.index(List.of(a, b));
            assertThat(r.indexed()).isEqualTo(2);
            assertThat(r.embedded()).isEqualTo(1);
            assertThat(search.collection().count()).isEqualTo(1);
            assertThat(search.count()).isEqualTo(1);
            List<Match> hits = search.similar(a, 5);
            assertThat(hits).hasSize(1);
            assertThat(hits.get(0).locations())
                    .containsExactly(ImageSearch.locationOf(a), ImageSearch.locationOf(b));
            assertThat(hits.get(0).location()).isEqualTo(ImageSearch.locationOf(a));
            // a second run in another order: both unchanged
            assertThat(search.index(List.of(b, a)).unchanged()).isEqualTo(2);
        }
        // indexed in separate runs: the second reuses the stored vector
        try (ImageSearch search = open()) {
            Path c = TestImages.write(tmp.resolve("photos/z/c.png"), Files.readAllBytes(a));
            IndexReport r = search.index(List.of(c));
            assertThat(r.indexed()).isEqualTo(1);
            assertThat(r.embedded()).isZero();
            assertThat(search.collection().count()).isEqualTo(1);
            assertThat(search.idMapper().get(idOf(a)).orElseThrow().locations()).hasSize(3);
        }
    }

    @Test
    void removeForgetsAFileAndDeletesTheVectorWithItsLastLocation() throws Exception {
        Path a = png("a.png", 1);
        Path copy = TestImages.write(tmp.resolve("photos/copy.png"), Files.readAllBytes(a));
        Path b = png("b.png", 2);
        try (ImageSearch search = open()) {
            search.index(List.of(a, copy, b));
            long id = idOf(a);
            assertThat(search.remove(a)).isTrue();
            assertThat(search.remove(a)).isFalse();
            assertThat(search.collection().existing(List.of(id))).containsExactly(id);
            assertThat(search.similar(copy, 1).get(0).locations()).containsExactly(ImageSearch.locationOf(copy));
            assertThat(search.remove(copy)).isTrue();
            assertThat(search.collection().existing(List.of(id))).isEmpty();
            assertThat(search.count()).isEqualTo(1);
            assertThat(search.remove(tmp.resolve("never-indexed.png"))).isFalse();
            // a removed file comes back on the next index
            assertThat(search.index(List.of(a)).embedded()).isEqualTo(1);
        }
        try (ImageSearch search = open()) {
            assertThat(search.count()).isEqualTo(2);
            assertThat(search.collection().count()).isEqualTo(2);
        }
    }

    @Test
    void similarReturnsTheImageItselfFirstWithScoreOne() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            files.add(png(i + ".png", i * 31L));
        }
        try (ImageSearch search = open()) {
            search.index(files);
            for (Path f : List.of(files.get(0), files.get(7), files.get(19))) {
                List<Match> hits = search.similar(f, 5);
                assertThat(hits).hasSize(5);
                assertThat(hits.get(0).location()).isEqualTo(ImageSearch.locationOf(f));
                assertThat(hits.get(0).id()).isEqualTo(idOf(f));
                assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
                assertThat(hits.get(0).rank()).isEqualTo(1);
                assertThat(hits.get(0).contentHash()).isEqualTo(ContentId.of(Files.readAllBytes(f)).contentHash());
                assertThat(hits.get(1).score()).isLessThan(hits.get(0).score());
                assertThat(hits).extracting(Match::rank).containsExactly(1, 2, 3, 4, 5);
            }
            // The same picture re-encoded (other bytes) still finds the original.
            byte[] bmp = TestImages.encode(TestImages.blocks(7 * 31L, 32), "bmp");
            List<Match> hits = search.similar(bmp, 1);
            assertThat(hits.get(0).location()).isEqualTo(ImageSearch.locationOf(files.get(7)));
            assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
        }
    }

    @Test
    void kZeroReturnsNothingAndNegativeKIsRefused() throws Exception {
        Path a = png("a.png", 1);
        try (ImageSearch search = open()) {
            search.index(List.of(a, png("b.png", 2)));
            float[] v = search.embedder().embed(TestImages.blocks(1, 32));
            assertThat(search.similar(a, 0)).isEmpty();
            assertThat(search.similar(TestImages.blocks(1, 32), 0)).isEmpty();
            assertThat(search.similar(v, 0)).isEmpty();
            assertThatThrownBy(() -> search.similar(a, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
            assertThatThrownBy(() -> search.similar(TestImages.blocks(1, 32), -2))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> search.similar(v, -3)).isInstanceOf(IllegalArgumentException.class);
            assertThat(search.similar(v, 1)).hasSize(1);
            assertThat(search.similar(v, 10)).hasSize(2);
        }
    }

    @Test
    void anEmptyIndexFindsNothing() {
        try (ImageSearch search = open()) {
            assertThat(search.count()).isZero();
            assertThat(search.similar(TestImages.blocks(1, 32), 10)).isEmpty();
            assertThat(search.index(List.of()).total()).isZero();
        }
    }

    @Test
    void searchSkipsVectorsWithoutALocation() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            files.add(png(i + ".png", i));
        }
        try (ImageSearch search = open()) {
            search.index(files);
            // Forget most locations behind the facade's back: their vectors stay, as after an interrupted run.
            for (int i = 1; i < 30; i++) {
                search.idMapper().remove(ImageSearch.locationOf(files.get(i)));
            }
            List<Match> hits = search.similar(files.get(5), 3);
            assertThat(hits).extracting(Match::location).containsExactly(ImageSearch.locationOf(files.get(0)));
        }
    }

    @Test
    void aFileMovedOntoANewPathWhileItsOldPathGetsNewContentKeepsItsVector() throws Exception {
        Path a = png("a.png", 1);
        long x = idOf(a);
        byte[] xBytes = Files.readAllBytes(a);
        try (ImageSearch search = open()) {
            search.index(List.of(a));
            // "mv a.png c.png" then a new a.png, indexed together in one batch (a first)
            Path c = TestImages.write(tmp.resolve("photos/c.png"), xBytes);
            png("a.png", 2);
            IndexReport r = search.index(List.of(a, c));
            assertThat(r.indexed()).isEqualTo(2);
            assertThat(search.collection().existing(List.of(x))).containsExactly(x);
            assertThat(search.verify().consistent()).isTrue();
            assertThat(search.similar(c, 1)).extracting(Match::location).containsExactly(ImageSearch.locationOf(c));
        }
    }

    @Test
    void anIndexBuiltWithReducedDecodingRefusesFullDecodingInsteadOfMixingVectors() {
        Path a = png("a.png", 1);
        try (ImageSearch search = open()) { // default: reduced decoding
            search.index(List.of(a));
        }
        assertThatThrownBy(() -> ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(data()).reducedDecoding(false).build())
                .isInstanceOf(dev.imagesearch.store.CollectionMismatchException.class)
                .hasMessageContaining("decode=reduced");
    }

    @Test
    void theJpegDecoderIsPartOfTheFingerprintWithAndWithoutReducedDecoding() {
        Path a = png("a.png", 1);
        ScaledJpegDecoder stub = new ScaledJpegDecoder() {
            @Override
            public String name() {
                return "stub";
            }

            @Override
            public BufferedImage decode(byte[] jpeg, int scale) throws ImageDecodeException {
                throw new ImageDecodeException("not used: the test indexes a PNG");
            }
        };
        for (boolean reduced : List.of(true, false)) {
            Path dir = tmp.resolve("fingerprint-" + reduced);
            try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                    .dataDirectory(dir).reducedDecoding(reduced).jpegDecoder(stub).build()) {
                search.index(List.of(a));
            }
            assertThatThrownBy(() -> ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                    .dataDirectory(dir).reducedDecoding(reduced).build())
                    .isInstanceOf(dev.imagesearch.store.CollectionMismatchException.class)
                    .hasMessageContaining(reduced ? "decode=reduced+jpeg=stub" : "decode=jpeg=stub");
        }
    }

    @Test
    void repairForgetsALocationWhoseVectorAndFileAreBothGone() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(png(i + ".png", i));
        }
        try (ImageSearch search = open()) {
            search.index(files);
            long gone = idOf(files.get(0));
            search.collection().delete(List.of(gone));
            Files.delete(files.get(0));
            assertThat(search.repair().mappingsWithoutVector()).containsExactly(gone);
            assertThat(search.idMapper().lookup(ImageSearch.locationOf(files.get(0)))).isEmpty();
            assertThat(search.count()).isEqualTo(2);
            assertThat(search.verify().consistent()).isTrue();
        }
    }

    @Test
    void repairDeletesVectorsWithoutALocationAndTheNextIndexRestoresMissingVectors() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            files.add(png(i + ".png", i));
        }
        try (ImageSearch search = open()) {
            search.index(files);
            assertThat(search.verify().consistent()).isTrue();
            // An interrupted run: two vectors whose locations were never written, one location whose vector is gone.
            search.idMapper().remove(ImageSearch.locationOf(files.get(1)));
            search.idMapper().remove(ImageSearch.locationOf(files.get(2)));
            search.collection().delete(List.of(idOf(files.get(3))));

            Reconciler.Report found = search.verify();
            assertThat(found.vectorsWithoutMapping()).containsExactlyInAnyOrder(idOf(files.get(1)), idOf(files.get(2)));
            assertThat(found.mappingsWithoutVector()).containsExactly(idOf(files.get(3)));

            search.repair();
            assertThat(search.collection().count()).isEqualTo(7);
            assertThat(search.verify().vectorsWithoutMapping()).isEmpty();

            IndexReport again = search.index(files);
            assertThat(again.indexed()).isEqualTo(3); // 1 and 2 (vectors deleted) and 3 (vector missing)
            assertThat(again.embedded()).isEqualTo(3);
            assertThat(again.unchanged()).isEqualTo(7);
            assertThat(search.verify().consistent()).isTrue();
            assertThat(search.collection().count()).isEqualTo(10);
        }
    }

    @Test
    void anEmbedderWithAnotherDimensionIsRefusedAndNothingIsWritten() throws Exception {
        try (ImageSearch search = open()) {
            search.index(List.of(png("a.png", 1), png("b.png", 2)));
        }
        Map<Path, String> before = snapshot(data());
        PixelEmbedder wider = PixelEmbedder.builder().grid(5).build(); // same name, 75 instead of 48 dimensions
        assertThatThrownBy(() -> open(wider))
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("48").hasMessageContaining("75");
        assertThat(snapshot(data())).isEqualTo(before);
        // a correct embedder still opens it, and the lock was released
        try (ImageSearch search = open()) {
            assertThat(search.count()).isEqualTo(2);
        }
    }

    @Test
    void anotherModelUnderTheSameNameIsRefused() throws Exception {
        try (ImageSearch search = open()) {
            search.index(List.of(png("a.png", 1)));
        }
        Map<Path, String> before = snapshot(data());
        PixelEmbedder other = PixelEmbedder.builder().build();
        assertThatThrownBy(() -> ImageSearch.builder().embedder(other).dataDirectory(data())
                        .metric(dev.imagesearch.store.Metric.L2).build())
                .isInstanceOf(CollectionMismatchException.class)
                .hasMessageContaining("COSINE").hasMessageContaining("L2");
        assertThat(snapshot(data())).isEqualTo(before);
    }

    /** Every file under a directory with its size, modification time and content hash. */
    private static Map<Path, String> snapshot(Path dir) throws Exception {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                if (Files.isRegularFile(p)) {
                    FileTime mtime = Files.getLastModifiedTime(p);
                    out.put(dir.relativize(p), Files.size(p) + " " + mtime.toMillis() + " "
                            + ContentId.of(Files.readAllBytes(p)).contentHash());
                } else {
                    out.put(dir.relativize(p), "dir");
                }
            }
        }
        return out;
    }

    @Test
    void theEmbedderNeverSeesABatchLargerThanTheBatchSize() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            files.add(png(i + ".png", i));
        }
        files.add(files.get(3)); // a duplicate path
        PixelEmbedder embedder = PixelEmbedder.builder().batchSize(64).build();
        try (ImageSearch search = ImageSearch.builder().embedder(embedder).dataDirectory(data())
                .batchSize(7).build()) {
            IndexReport r = search.index(files);
            assertThat(r.indexed() + r.unchanged()).isEqualTo(51);
            assertThat(embedder.batchSizes()).allMatch(n -> n >= 1 && n <= 7);
            assertThat(embedder.batchSizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(50);
        }
        // the default batch size is the embedder's preferred one
        PixelEmbedder small = PixelEmbedder.builder().batchSize(4).build();
        try (ImageSearch search = open(small)) {
            search.index(List.of(png("n1.png", 1001), png("n2.png", 1002), png("n3.png", 1003),
                    png("n4.png", 1004), png("n5.png", 1005), png("n6.png", 1006)));
            assertThat(small.batchSizes()).containsExactly(4, 2);
        }
    }

    @Test
    void decodedBytesSearchAsTheBytesDo() throws Exception {
        Path a = png("a.png", 1);
        png("b.png", 2);
        try (ImageSearch search = open()) {
            search.indexDirectory(tmp.resolve("photos"));
            byte[] bytes = Files.readAllBytes(a);
            BufferedImage decoded = search.decode(bytes);
            List<Match> viaImage = search.similar(decoded, 2);
            assertThat(viaImage).isEqualTo(search.similar(bytes, 2));
            assertThat(viaImage.get(0).location()).isEqualTo(ImageSearch.locationOf(a));
            assertThat(viaImage.get(0).score()).isCloseTo(1f, within(1e-5f));
            assertThatThrownBy(() -> search.decode("not an image".getBytes()))
                    .isInstanceOf(ImageDecodeException.class);
        }
    }

    @Test
    void closedSearchRefusesWork() {
        ImageSearch search = open();
        search.close();
        search.close(); // idempotent
        assertThatThrownBy(() -> search.index(List.of())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> search.similar(new float[48], 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> search.decode(new byte[1])).isInstanceOf(IllegalStateException.class);
    }
}
