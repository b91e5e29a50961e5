package dev.imagesearch.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;

/** Conversions to the one pixel format the embedders read: 8-bit sRGB in a {@code TYPE_INT_RGB} image. */
public final class RgbImages {

    private RgbImages() {
    }

    /**
     * Returns {@code image} as {@code TYPE_INT_RGB}, or the image itself if it already is. Alpha is dropped (not
     * composited), and gray is copied into the three channels unchanged — the same as Pillow's
     * {@code convert("RGB")}. Java2D would instead treat gray as linear light and brighten it.
     */
    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
            int bits = cm.getComponentSize(0);
            int max = (1 << bits) - 1;
            int[] samples = new int[w];
            int[] rgb = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, samples);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? samples[x] : (int) Math.round(samples[x] * 255.0 / max);
                    rgb[x] = (v << 16) | (v << 8) | v;
                }
                out.getRaster().setDataElements(0, y, w, 1, rgb);
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                row[x] &= 0xFFFFFF;
            }
            out.getRaster().setDataElements(0, y, w, 1, row);
        }
        return out;
    }
}
