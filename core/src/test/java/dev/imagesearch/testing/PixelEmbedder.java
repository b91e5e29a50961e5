package dev.imagesearch.testing;

import dev.imagesearch.embed.Embedder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small, real and deterministic embedder for tests: the image averaged down to a {@code grid × grid} RGB
 * thumbnail, centred around mid-grey and L2-normalised ({@code 3 × grid × grid} dimensions). Similar pictures
 * get similar vectors, the same picture always the same vector. Records the size of every batch it is given.
 * Thread-safe. Meets {@link dev.imagesearch.contract.EmbedderContract} (PixelEmbedderContractTest).
 */
public final class PixelEmbedder implements Embedder {

    private final String name;
    private final int grid;
    private final int batchSize;
    private final long delayMillisPerImage;
    private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

    private PixelEmbedder(Builder b) {
        this.name = b.name;
        this.grid = b.grid;
        this.batchSize = b.batchSize;
        this.delayMillisPerImage = b.delayMillisPerImage;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return 3 * grid * grid;
    }

    /** {@code <name>;grid=<grid>}: the grid decides the vectors, so two grids never share an index. */
    @Override
    public String fingerprint() {
        return name + ";grid=" + grid;
    }

    @Override
    public int preferredBatchSize() {
        return batchSize;
    }

    @Override
    public float[] embed(BufferedImage image) {
        return vector(image);
    }

    @Override
    public List<float[]> embedBatch(List<BufferedImage> images) {
        batches.add(images.size());
        List<float[]> out = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            out.add(vector(image));
        }
        return out;
    }

    /** Sizes of the batches {@link #embedBatch} was called with, in order. */
    public List<Integer> batchSizes() {
        synchronized (batches) {
            return List.copyOf(batches);
        }
    }

    private float[] vector(BufferedImage image) {
        java.util.Objects.requireNonNull(image, "image");
        if (delayMillisPerImage > 0) {
            try {
                Thread.sleep(delayMillisPerImage);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int w = image.getWidth();
        int h = image.getHeight();
        double[] sums = new double[dimension()];
        int[] counts = new int[grid * grid];
        for (int y = 0; y < h; y++) {
            int gy = (int) ((long) y * grid / h);
            for (int x = 0; x < w; x++) {
                int gx = (int) ((long) x * grid / w);
                int cell = gy * grid + gx;
                int rgb = image.getRGB(x, y);
                sums[3 * cell] += (rgb >> 16) & 0xFF;
                sums[3 * cell + 1] += (rgb >> 8) & 0xFF;
                sums[3 * cell + 2] += rgb & 0xFF;
                counts[cell]++;
            }
        }
        float[] v = new float[dimension()];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            int n = Math.max(1, counts[i / 3]);
            v[i] = (float) (sums[i] / n / 255.0 - 0.5);
            norm += (double) v[i] * v[i];
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    /** Builder; every setting has a default. */
    public static final class Builder {
        private String name = "test-pixels";
        private int grid = 4;
        private int batchSize = 8;
        private long delayMillisPerImage;

        private Builder() {
        }

        /** Model name (and collection name). Default {@code test-pixels}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Thumbnail side; the dimension is {@code 3 * grid * grid}. Default 4 (48 dimensions). */
        public Builder grid(int grid) {
            this.grid = grid;
            return this;
        }

        /** Preferred batch size. Default 8. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Sleep per image, to make a run slow enough to interrupt. Default 0. */
        public Builder delayMillisPerImage(long millis) {
            this.delayMillisPerImage = millis;
            return this;
        }

        public PixelEmbedder build() {
            return new PixelEmbedder(this);
        }
    }
}
