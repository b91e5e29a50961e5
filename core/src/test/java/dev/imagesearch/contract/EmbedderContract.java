package dev.imagesearch.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.imagesearch.embed.Embedder;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Embedder} must have, as documented on {@link Embedder}. An implementation's test
 * extends this class and implements {@link #newEmbedder()} and {@link #newEmbedderWithOtherSettings()}; JUnit then
 * runs every test here against it.
 */
public abstract class EmbedderContract {

    private Embedder embedder;

    /** A fresh embedder for one test; two calls give embedders with the same settings. */
    protected abstract Embedder newEmbedder();

    /**
     * An embedder whose vectors differ from {@link #newEmbedder()}'s because one setting differs (another
     * normalisation, preprocessing, grid, model file ...): its fingerprint must differ.
     */
    protected abstract Embedder newEmbedderWithOtherSettings();

    /** Whether {@link #newEmbedder()} returns L2-normalised vectors (the default, for cosine search). */
    protected boolean normalizes() {
        return true;
    }

    /**
     * Largest allowed difference per element between a vector from a batch and the same image embedded alone.
     * Default 1e-5: batched kernels of an inference runtime may round differently.
     */
    protected float batchTolerance() {
        return 1e-5f;
    }

    /**
     * The images the tests embed: different sizes, aspect ratios and image types (RGB, gray, ARGB with
     * transparency, BGR bytes), with real structure (gradients, shapes, noise). At least 3, all different.
     */
    protected List<BufferedImage> images() {
        List<BufferedImage> out = new ArrayList<>();
        out.add(scene(320, 240, BufferedImage.TYPE_INT_RGB, 1));
        out.add(scene(200, 300, BufferedImage.TYPE_3BYTE_BGR, 2));
        out.add(scene(256, 256, BufferedImage.TYPE_BYTE_GRAY, 3));
        out.add(scene(300, 100, BufferedImage.TYPE_INT_ARGB, 4));
        out.add(scene(33, 47, BufferedImage.TYPE_INT_RGB, 5));
        return out;
    }

    /** A synthetic photo-like image: a gradient sky, a few filled shapes and pixel noise, from {@code seed}. */
    protected static BufferedImage scene(int w, int h, int type, long seed) {
        Random r = new Random(seed);
        BufferedImage im = new BufferedImage(w, h, type);
        Graphics2D g = im.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(1 << 24)), w, h, new Color(r.nextInt(1 << 24))));
            g.fillRect(0, 0, w, h);
            for (int i = 0; i < 6; i++) {
                g.setColor(new Color(r.nextInt(1 << 24)));
                int x = r.nextInt(w);
                int y = r.nextInt(h);
                if (i % 2 == 0) {
                    g.fillOval(x, y, 1 + r.nextInt(w / 2 + 1), 1 + r.nextInt(h / 2 + 1));
                } else {
                    g.fillRect(x, y, 1 + r.nextInt(w / 3 + 1), 1 + r.nextInt(h / 3 + 1));
                }
            }
        } finally {
            g.dispose();
        }
        for (int i = 0; i < w * h / 20; i++) {
            int x = r.nextInt(w);
            int y = r.nextInt(h);
            im.setRGB(x, y, (im.getRGB(x, y) ^ r.nextInt(0x1F1F1F)) | (type == BufferedImage.TYPE_INT_ARGB
                    ? (r.nextBoolean() ? 0xFF000000 : 0x40000000) : 0xFF000000));
        }
        return im;
    }

    @BeforeEach
    void openEmbedderForTest() {
        embedder = newEmbedder();
        assertThat(embedder).as("newEmbedder()").isNotNull();
    }

    @AfterEach
    void closeEmbedderAfterTest() {
        if (embedder != null) {
            embedder.close();
            embedder = null;
        }
    }

    /** The embedder of the running test. */
    protected Embedder embedder() {
        return embedder;
    }

    private static float maxDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void nameAndSettingsAreUsable() {
        assertThat(embedder.name()).isNotBlank();
        assertThat(embedder.dimension()).isPositive();
        assertThat(embedder.preferredBatchSize()).isPositive();
        assertThat(embedder.minimumInputSide()).isNotNegative();
        assertThat(embedder.fingerprint()).isNotBlank();
    }

    @Test
    void everyVectorHasTheDimensionAndFiniteValues() {
        for (BufferedImage im : images()) {
            float[] v = embedder.embed(im);
            assertThat(v).as("%dx%d type %d", im.getWidth(), im.getHeight(), im.getType())
                    .hasSize(embedder.dimension());
            for (float x : v) {
                assertThat(Float.isFinite(x)).as("finite").isTrue();
            }
        }
        assertThat(embedder.embedBatch(images())).hasSize(images().size())
                .allSatisfy(v -> assertThat(v).hasSize(embedder.dimension()));
    }

    @Test
    void aBatchGivesTheVectorsOfOneByOneInOrder() {
        List<BufferedImage> images = new ArrayList<>(images());
        // more than one preferred batch, so the embedder has to split (and meet a short last batch)
        while (images.size() <= embedder.preferredBatchSize()) {
            images.addAll(images());
        }
        List<float[]> batch = embedder.embedBatch(images);
        assertThat(batch).hasSize(images.size());
        for (int i = 0; i < images.size(); i++) {
            assertThat(maxDiff(batch.get(i), embedder.embed(images.get(i)))).as("image %d", i)
                    .isLessThanOrEqualTo(batchTolerance());
        }
        assertThat(embedder.embedBatch(List.of())).isEmpty();
    }

    @Test
    void differentImagesGetDifferentVectors() {
        List<float[]> v = embedder.embedBatch(images());
        for (int i = 0; i < v.size(); i++) {
            for (int j = i + 1; j < v.size(); j++) {
                assertThat(Arrays.equals(v.get(i), v.get(j))).as("images %d and %d", i, j).isFalse();
            }
        }
    }

    @Test
    void theSameImageAlwaysGetsTheSameVector() {
        BufferedImage im = images().get(0);
        float[] first = embedder.embed(im);
        assertThat(embedder.embed(im)).containsExactly(first);
        assertThat(embedder.embed(images().get(0))).as("an equal copy").containsExactly(first);
        try (Embedder again = newEmbedder()) {
            assertThat(again.embed(im)).as("another instance with the same settings").containsExactly(first);
            assertThat(again.fingerprint()).isEqualTo(embedder.fingerprint());
            assertThat(again.name()).isEqualTo(embedder.name());
        }
    }

    @Test
    void vectorsAreNormalisedWhenTheEmbedderSaysSo() {
        for (float[] v : embedder.embedBatch(images())) {
            if (normalizes()) {
                assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            } else {
                assertThat(norm(v)).isPositive();
            }
        }
    }

    @Test
    void otherSettingsGiveAnotherFingerprintAndOtherVectors() {
        try (Embedder other = newEmbedderWithOtherSettings()) {
            assertThat(other.fingerprint()).isNotEqualTo(embedder.fingerprint());
            BufferedImage im = images().get(0);
            assertThat(Arrays.equals(other.embed(im), embedder.embed(im))).as("same vectors").isFalse();
        }
    }

    @Test
    void aNullImageIsAClearErrorAndChangesNothing() {
        float[] before = embedder.embed(images().get(1));
        Throwable t = catchThrowable(() -> embedder.embed(null));
        assertThat(t).as("embed(null)").isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(t.getMessage()).isNotBlank();
        List<BufferedImage> withNull = new ArrayList<>(images());
        withNull.add(1, null);
        assertThatThrownBy(() -> embedder.embedBatch(withNull)).as("a batch with a null image")
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertThat(embedder.embed(images().get(1))).as("still works, same vector").containsExactly(before);
    }

    @Test
    void tinyAndOddlyShapedImagesAreEmbedded() {
        for (BufferedImage im : List.of(scene(1, 1, BufferedImage.TYPE_INT_RGB, 7),
                scene(400, 9, BufferedImage.TYPE_INT_RGB, 8), scene(9, 400, BufferedImage.TYPE_BYTE_GRAY, 9))) {
            assertThat(embedder.embed(im)).as("%dx%d", im.getWidth(), im.getHeight()).hasSize(embedder.dimension());
        }
    }

    /**
     * A thread-safe embedder is called from 4 threads at once; any other from 4 tasks one after the other on a
     * thread that did not create it (how ImageSearch serialises calls). Either way: the same vectors.
     */
    @Test
    void callsFromOtherThreadsGiveTheSameVectors() throws Exception {
        List<BufferedImage> images = images();
        List<float[]> expected = embedder.embedBatch(images);
        ExecutorService pool = Executors.newFixedThreadPool(embedder.threadSafe() ? 4 : 1);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> embedder.embedBatch(images)));
            }
            for (Future<List<float[]>> f : futures) {
                List<float[]> got = f.get();
                for (int i = 0; i < images.size(); i++) {
                    assertThat(got.get(i)).containsExactly(expected.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeIsIdempotent() {
        Embedder e = newEmbedder();
        e.embed(images().get(0));
        e.close();
        assertThatCode(e::close).doesNotThrowAnyException();
    }
}
