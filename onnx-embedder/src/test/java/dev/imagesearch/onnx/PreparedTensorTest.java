package dev.imagesearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.embed.PreparedImage;
import dev.imagesearch.onnx.preprocess.Preprocessing;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preparing images ahead ({@code prepare} on other threads, then {@code embedPrepared}) gives exactly the vectors of
 * {@code embedBatch}, with and without flip averaging, across batch boundaries; an image prepared elsewhere is
 * prepared again, as is one run before (its pooled buffer may hold another image by then).
 */
class PreparedTensorTest {

    @TempDir
    Path dir;

    private static BufferedImage image(int seed) {
        BufferedImage im = new BufferedImage(7 + seed, 5 + seed, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < im.getHeight(); y++) {
            for (int x = 0; x < im.getWidth(); x++) {
                im.setRGB(x, y, (x * 37 + y * 11 + seed * 101) * 0x010203 & 0xffffff);
            }
        }
        return im;
    }

    private OnnxEmbedder.Builder tiny() throws Exception {
        return OnnxEmbedder.builder(TinyOnnx.write(dir.resolve("tiny.onnx"), TinyOnnx.FLOAT, -1, 3, 4, 4))
                .preprocessing(Preprocessing.builder().size(4, 4).build()).outputName("flat").batchSize(2);
    }

    private static List<PreparedImage> prepareOnPool(OnnxEmbedder e, List<BufferedImage> images) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<PreparedImage>> futures = new ArrayList<>();
            for (BufferedImage im : images) {
                futures.add(pool.submit(() -> e.prepare(im)));
            }
            List<PreparedImage> out = new ArrayList<>();
            for (Future<PreparedImage> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void vectorsOfPreparedImagesEqualThoseOfEmbedBatch() throws Exception {
        List<BufferedImage> images = List.of(image(1), image(2), image(3), image(4), image(5));
        for (boolean flip : new boolean[] {false, true}) {
            try (OnnxEmbedder e = tiny().flipAverage(flip).build()) {
                List<float[]> direct = e.embedBatch(images);
                List<float[]> prepared = e.embedPrepared(prepareOnPool(e, images));
                assertThat(prepared).hasSize(5);
                for (int i = 0; i < images.size(); i++) {
                    assertThat(prepared.get(i)).as("flip=%s image %d", flip, i).containsExactly(direct.get(i));
                }
                assertThat(direct.get(0)).isNotEqualTo(direct.get(1));
            }
        }
    }

    @Test
    void anImagePreparedByAnotherEmbedderOrNoneIsPreparedAgain() throws Exception {
        BufferedImage im = image(3);
        try (OnnxEmbedder plain = tiny().build(); OnnxEmbedder flip = tiny().flipAverage(true).build()) {
            float[] expected = flip.embed(im);
            PreparedImage foreign = plain.prepare(im); // no mirrored tensor: must not be used by the flip embedder
            PreparedImage bare = () -> im;
            List<float[]> got = flip.embedPrepared(List.of(foreign, bare, flip.prepare(im)));
            for (float[] v : got) {
                assertThat(v).containsExactly(expected);
            }
        }
    }

    @Test
    void aPreparedImageRunTwiceGivesItsOwnVectorThoughItsBufferWasReused() throws Exception {
        try (OnnxEmbedder e = tiny().build()) {
            BufferedImage a = image(1);
            BufferedImage b = image(2);
            PreparedImage pa = e.prepare(a);
            float[] va = e.embedPrepared(List.of(pa)).get(0);
            PreparedImage pb = e.prepare(b); // takes a's recycled buffer
            float[] vb = e.embedPrepared(List.of(pb)).get(0);
            assertThat(vb).isNotEqualTo(va);
            assertThat(e.embedPrepared(List.of(pa, pa)).get(1)).containsExactly(va);
            assertThat(e.embedPrepared(List.of(pa)).get(0)).containsExactly(e.embed(a));
        }
    }
}
