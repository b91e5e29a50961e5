package dev.imagesearch.redis;

import dev.imagesearch.embed.Embedder;
import java.awt.image.BufferedImage;

/**
 * A small deterministic embedder for tests: the mean colour of each cell of a 4×4 grid (48 values),
 * L2-normalised. Different images give different vectors; the same image always gives the same one.
 */
class BlockMeanEmbedder implements Embedder {

    static final int GRID = 4;

    @Override
    public String name() {
        return "block-mean-4x4";
    }

    @Override
    public int dimension() {
        return GRID * GRID * 3;
    }

    @Override
    public float[] embed(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[] sum = new double[dimension()];
        int[] n = new int[GRID * GRID];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int cell = (y * GRID / h) * GRID + (x * GRID / w);
                int rgb = image.getRGB(x, y);
                sum[cell * 3] += (rgb >> 16) & 0xFF;
                sum[cell * 3 + 1] += (rgb >> 8) & 0xFF;
                sum[cell * 3 + 2] += rgb & 0xFF;
                n[cell]++;
            }
        }
        float[] v = new float[dimension()];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            double mean = n[i / 3] == 0 ? 0 : sum[i] / n[i / 3];
            v[i] = (float) (mean + 1); // +1: a black image still has a direction
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
