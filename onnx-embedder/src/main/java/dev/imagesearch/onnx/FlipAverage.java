package dev.imagesearch.onnx;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** Flip averaging ({@link OnnxEmbedder.Builder#flipAverage}): an image's vector plus its mirror image's. */
final class FlipAverage {

    private FlipAverage() {
    }

    /** The image mirrored left to right, as RGB. */
    static BufferedImage mirror(BufferedImage src) {
        int w = src.getWidth();
        BufferedImage out = new BufferedImage(w, src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, w, 0, -w, src.getHeight(), null);
        g.dispose();
        return out;
    }

    /** Adds each mirrored vector into its plain one (in place), L2-normalising the sum when asked; returns plain. */
    static List<float[]> combine(List<float[]> plain, List<float[]> mirrored, boolean normalize) {
        for (int i = 0; i < plain.size(); i++) {
            float[] v = plain.get(i);
            float[] m = mirrored.get(i);
            for (int j = 0; j < v.length; j++) {
                v[j] += m[j];
            }
            if (normalize) {
                EmbeddingHead.l2Normalize(v);
            }
        }
        return plain;
    }
}
