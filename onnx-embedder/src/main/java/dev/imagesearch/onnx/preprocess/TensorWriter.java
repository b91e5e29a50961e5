package dev.imagesearch.onnx.preprocess;

import java.nio.FloatBuffer;

/** The last part of a {@link Pipeline}: packed pixels to floats, channel order, normalisation and layout. */
final class TensorWriter {

    private TensorWriter() {
    }

    /** Writes {@code n} pixels' floats at {@code dst}'s position and advances it by {@code 3 * n}. */
    static void write(int[] pixels, int n, ChannelOrder order, Normalize normalize, Layout layout, FloatBuffer dst) {
        float[][] lut = normalize.lookupTables();
        int[] shift = order == ChannelOrder.RGB ? new int[] {16, 8, 0} : new int[] {0, 8, 16};
        int[] src = order == ChannelOrder.RGB ? new int[] {0, 1, 2} : new int[] {2, 1, 0};
        int base = dst.position();
        if (layout == Layout.NCHW) {
            for (int c = 0; c < 3; c++) {
                float[] t = lut[src[c]];
                int sh = shift[c];
                int off = base + c * n;
                for (int i = 0; i < n; i++) {
                    dst.put(off + i, t[(pixels[i] >>> sh) & 0xFF]);
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                int p = pixels[i];
                int off = base + 3 * i;
                dst.put(off, lut[src[0]][(p >>> shift[0]) & 0xFF]);
                dst.put(off + 1, lut[src[1]][(p >>> shift[1]) & 0xFF]);
                dst.put(off + 2, lut[src[2]][(p >>> shift[2]) & 0xFF]);
            }
        }
        dst.position(base + 3 * n);
    }
}
