package dev.imagesearch.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

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
        if (copyBytes(image, ((DataBufferInt) out.getRaster().getDataBuffer()).getData())) {
            return out;
        }
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

    /**
     * Fast path of {@link #toRgb} for the byte layouts decoders return ({@code TYPE_3BYTE_BGR} from JPEG,
     * {@code TYPE_4BYTE_ABGR}, 8-bit gray): reads the sample array directly instead of going through the colour
     * model pixel by pixel (which costs about 20 ns a pixel, a quarter of a second for 12 megapixels). Same values
     * as the generic path: alpha dropped, gray copied into the three channels.
     *
     * @return false when the image has another layout (the caller then takes the generic path)
     */
    private static boolean copyBytes(BufferedImage image, int[] dst) {
        int type = image.getType();
        if (type != BufferedImage.TYPE_3BYTE_BGR && type != BufferedImage.TYPE_4BYTE_ABGR
                && type != BufferedImage.TYPE_BYTE_GRAY) {
            return false;
        }
        Raster raster = image.getRaster();
        if (!(raster.getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1
                || !(raster.getSampleModel() instanceof ComponentSampleModel sm)
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return false; // a sub-image or an unusual raster
        }
        byte[] src = db.getData();
        int w = image.getWidth();
        int h = image.getHeight();
        int stride = sm.getScanlineStride();
        int px = sm.getPixelStride();
        int[] off = sm.getBandOffsets();
        int base = db.getOffset();
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
            for (int y = 0; y < h; y++) {
                int i = base + y * stride + off[0];
                int o = y * w;
                for (int x = 0; x < w; x++, i += px) {
                    int v = src[i] & 0xFF;
                    dst[o + x] = (v << 16) | (v << 8) | v;
                }
            }
            return true;
        }
        int ro = off[0];
        int go = off[1];
        int bo = off[2];
        for (int y = 0; y < h; y++) {
            int i = base + y * stride;
            int o = y * w;
            for (int x = 0; x < w; x++, i += px) {
                dst[o + x] = ((src[i + ro] & 0xFF) << 16) | ((src[i + go] & 0xFF) << 8) | (src[i + bo] & 0xFF);
            }
        }
        return true;
    }

    /**
     * The pixels of a {@code TYPE_INT_RGB} image as packed {@code 0xRRGGBB}, row by row ({@code width * height}
     * values). Returns the image's own array when it is exactly that (no copy: callers must not modify it),
     * otherwise a copy; {@link BufferedImage#getRGB} would convert every pixel through the colour model.
     */
    public static int[] packedPixels(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        Raster raster = rgb.getRaster();
        if (rgb.getType() == BufferedImage.TYPE_INT_RGB && raster.getDataBuffer() instanceof DataBufferInt db
                && db.getNumBanks() == 1 && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            int[] data = db.getData();
            int stride = sm.getScanlineStride();
            int base = db.getOffset();
            if (base == 0 && stride == w && data.length == w * h) {
                return data;
            }
            int[] out = new int[w * h];
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, base + y * stride, out, y * w, w);
            }
            return out;
        }
        int[] out = rgb.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xFFFFFF;
        }
        return out;
    }
}
