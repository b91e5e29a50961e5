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
        // Values are made in a heap array and copied in bulk: a direct buffer's put(index, value) checks bounds
        // and the buffer's scope on every call, which cost more than the lookups.
        float[] values = new float[3 * n];
        if (layout == Layout.NCHW) {
            for (int c = 0; c < 3; c++) {
                float[] t = lut[src[c]];
                int sh = shift[c];
                int off = c * n;
                for (int i = 0; i < n; i++) {
                    values[off + i] = t[(pixels[i] >>> sh) & 0xFF];
                }
            }
        } else {
            float[] t0 = lut[src[0]];
            float[] t1 = lut[src[1]];
            float[] t2 = lut[src[2]];
            for (int i = 0; i < n; i++) {
                int p = pixels[i];
                values[3 * i] = t0[(p >>> shift[0]) & 0xFF];
                values[3 * i + 1] = t1[(p >>> shift[1]) & 0xFF];
                values[3 * i + 2] = t2[(p >>> shift[2]) & 0xFF];
            }
        }
        dst.put(base, values);
        dst.position(base + 3 * n);
    }
}
