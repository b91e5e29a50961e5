package dev.imagesearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.embed.Embedder;
import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.image.ImageLimits;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken files fail one by one, with their path and a reason, and the rest of the batch is indexed. */
class ImageSearchBadInputTest {

    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) {
        return TestImages.write(tmp.resolve("in").resolve(name), bytes);
    }

    private static Map<Path, String> reasons(IndexReport r) {
        return r.failures().stream().collect(Collectors.toMap(IndexReport.Failure::path, IndexReport.Failure::reason));
    }

    @Test
    void eachBadFileFailsWithItsReasonAndTheGoodOnesAreIndexed() throws Exception {
        List<Path> good = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            good.add(write("good-" + i + ".png", TestImages.png(i, 24)));
        }
        good.add(write("good.jpg", TestImages.encode(TestImages.blocks(77, 64), "jpg")));
        Path text = write("text.jpg", "Just some notes, not a picture.\n".getBytes(StandardCharsets.US_ASCII));
        byte[] jpeg = TestImages.encode(TestImages.blocks(8, 256), "jpg");
        Path truncated = write("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 2));
        Path empty = write("empty.jpg", new byte[0]);
        Path pdf = write("document.jpg", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.US_ASCII));
        byte[] noise = new byte[2048];
        new Random(3).nextBytes(noise);
        noise[0] = 0x13;
        Path random = write("noise.jpg", noise);
        Path directory = Files.createDirectories(tmp.resolve("in/folder.jpg"));
        Path missing = tmp.resolve("in/missing.png");
        Path huge = write("huge.png", TestImages.pngHeader(30_000, 30_000));
        Path locked = TestImages.unreadable(tmp.resolve("in/locked.png"));

        List<Path> batch = new ArrayList<>(good.subList(0, 3));
        batch.addAll(List.of(text, truncated, empty, pdf, random, directory, missing, huge, locked));
        batch.addAll(good.subList(3, good.size()));
        List<String> events = new ArrayList<>();
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).batchSize(4).build()) {
            IndexReport r = search.index(batch, (p, o, why) -> events.add(p.getFileName() + " " + o
                    + (why == null ? "" : " " + why)));
            assertThat(r.indexed()).isEqualTo(good.size());
            assertThat(r.failed()).isEqualTo(9);
            assertThat(r.total()).isEqualTo(batch.size());
            Map<Path, String> why = reasons(r);
            assertThat(why.get(text)).contains("not a supported image format").contains("text");
            assertThat(why.get(truncated)).contains("truncated");
            assertThat(why.get(empty)).contains("empty file");
            assertThat(why.get(pdf)).contains("not a supported image format");
            assertThat(why.get(random)).contains("not a supported image format");
            assertThat(why.get(directory)).contains("directory");
            assertThat(why.get(missing)).contains("not found");
            assertThat(why.get(huge)).contains("30000x30000").contains("limit");
            assertThat(why.get(locked)).contains("permission denied");
            assertThat(r.failures()).allSatisfy(f -> assertThat(f.toString()).startsWith(f.path().toString()));
            assertThat(events).hasSize(batch.size());
            assertThat(events).filteredOn(e -> e.contains(" FAILED ")).hasSize(9);

            assertThat(search.count()).isEqualTo(good.size());
            for (Path p : good) {
                assertThat(search.similar(p, 1).get(0).location()).isEqualTo(ImageSearch.locationOf(p));
            }
            // Failed files are not remembered: after fixing one, it is indexed.
            TestImages.write(truncated, jpeg);
            IndexReport again = search.index(batch);
            assertThat(again.unchanged()).isEqualTo(good.size());
            assertThat(again.indexed()).isEqualTo(1);
            assertThat(again.failed()).isEqualTo(8);
        }
    }

    @Test
    void aSmallerPixelLimitRefusesANormalImage() {
        Path a = write("a.png", TestImages.png(1, 64));
        Path b = write("b.png", TestImages.png(2, 16));
        try (ImageSearch search = ImageSearch.builder().embedder(PixelEmbedder.builder().build())
                .dataDirectory(tmp.resolve("data")).imageLimits(ImageLimits.DEFAULT.withMaxPixels(1000)).build()) {
            IndexReport r = search.index(List.of(a, b));
            assertThat(r.indexed()).isEqualTo(1);
            assertThat(reasons(r).get(a)).contains("64x64").contains("1000 pixels");
        }
    }

    /** A real embedder that refuses 13-pixel-wide images and returns a short vector for 14-pixel-wide ones. */
    private static final class PickyEmbedder implements Embedder {
        private final PixelEmbedder inner = PixelEmbedder.builder().build();

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public float[] embed(BufferedImage image) {
            if (image.getWidth() == 13) {
                throw new EmbeddingException("cannot handle width 13");
            }
            float[] v = inner.embed(image);
            return image.getWidth() == 14 ? Arrays.copyOf(v, 10) : v;
        }
    }

    @Test
    void embedderFailuresAreReportedPerFile() {
        Path ok1 = write("ok1.png", TestImages.png(1, 16));
        Path refused = write("refused.png", TestImages.png(2, 13));
        Path shortVector = write("short.png", TestImages.png(3, 14));
        Path copyOfRefused = write("refused-copy.png", TestImages.png(2, 13));
        Path ok2 = write("ok2.png", TestImages.png(4, 16));
        try (ImageSearch search = ImageSearch.builder().embedder(new PickyEmbedder())
                .dataDirectory(tmp.resolve("data")).batchSize(8).build()) {
            IndexReport r = search.index(List.of(ok1, refused, shortVector, copyOfRefused, ok2));
            assertThat(r.indexed()).isEqualTo(2);
            Map<Path, String> why = reasons(r);
            assertThat(why).containsOnlyKeys(refused, shortVector, copyOfRefused);
            assertThat(why.get(refused)).contains("cannot handle width 13");
            assertThat(why.get(copyOfRefused)).contains("cannot handle width 13");
            assertThat(why.get(shortVector)).contains("10 values").contains("dimension 48");
            assertThat(search.count()).isEqualTo(2);
            assertThat(search.collection().count()).isEqualTo(2);
        }
    }
}
