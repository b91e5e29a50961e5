package dev.imagesearch.onnx.preprocess;

/**
 * Resizing of packed 0xRRGGBB pixels that reproduces Pillow's {@code Image.resize} for 8-bit RGB images bit for
 * bit (written from the behaviour of Pillow's {@code Geometry.c} and {@code Resample.c}, not from its code).
 *
 * <p>Every method resizes the whole w×h image to dw×dh conceptually, but only computes the output window
 * {@code [x0, x0 + ow) × [y0, y0 + oh)}: each output pixel depends only on its own filter window, so computing a
 * window equals resizing everything and cropping afterwards (what torchvision does), only faster.
 */
final class PillowResize {

    /** Pillow's fixed-point precision for 8-bit images: 32 - 8 - 2 bits. */
    static final int PRECISION_BITS = 32 - 8 - 2;
    static final int HALF = 1 << (PRECISION_BITS - 1);

    private PillowResize() {
    }

    static int[] resize(int[] src, int w, int h, int dw, int dh, Interpolation filter,
                        int x0, int y0, int ow, int oh) {
        if (x0 < 0 || y0 < 0 || x0 + ow > dw || y0 + oh > dh) {
            throw new IllegalArgumentException("window " + ow + "x" + oh + "+" + x0 + "+" + y0
                    + " lies outside the resized " + dw + "x" + dh + " image");
        }
        if (w == dw && h == dh) {
            return window(src, w, x0, y0, ow, oh); // Pillow copies an image resized to its own size
        }
        return filter == Interpolation.NEAREST
                ? nearest(src, w, h, dw, dh, x0, y0, ow, oh)
                : bilinear(src, w, h, dw, dh, x0, y0, ow, oh);
    }

    private static int[] window(int[] src, int w, int x0, int y0, int ow, int oh) {
        int[] out = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            System.arraycopy(src, (y0 + y) * w + x0, out, y * ow, ow);
        }
        return out;
    }

    /**
     * Pillow's nearest-neighbour scale: the source coordinate starts at {@code scale * 0.5} and is advanced by
     * {@code scale = in / out} for each output pixel, in double precision; the pixel is {@code (int) coordinate}.
     * The accumulation (not {@code (x + 0.5) * scale}) matters: rounding errors of the sum decide ties.
     */
    private static int[] nearest(int[] src, int w, int h, int dw, int dh, int x0, int y0, int ow, int oh) {
        int[] xs = nearestTable(w, dw);
        int[] ys = nearestTable(h, dh);
        int[] out = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            int row = ys[y0 + y] * w;
            for (int x = 0; x < ow; x++) {
                out[y * ow + x] = src[row + xs[x0 + x]];
            }
        }
        return out;
    }

    static int[] nearestTable(int in, int out) {
        double step = (double) in / out;
        double pos = step * 0.5;
        int[] table = new int[out];
        for (int i = 0; i < out; i++) {
            // Pillow leaves a pixel whose coordinate falls outside the source unwritten; with pos < in that
            // cannot happen for a plain resize, so clamping only guards against it.
            table[i] = Math.min(in - 1, Math.max(0, (int) pos));
            pos += step;
        }
        return table;
    }

    /** Filter windows of one axis: for output i, source pixels {@code start[i] ..< start[i] + count[i]}. */
    record Coefficients(int[] start, int[] count, int[][] weights) {
    }

    /**
     * Pillow's coefficients for a triangle (bilinear) filter: support 1 widened by max(in/out, 1); centre of
     * output i at {@code (i + 0.5) * scale}; window from {@code (int) (centre - support + 0.5)} (clamped to 0) to
     * {@code (int) (centre + support + 0.5)} (clamped to in); weights {@code tri((x - centre + 0.5) / filterscale)}
     * normalised to sum 1, then converted to fixed point rounding half away from zero.
     */
    static Coefficients coefficients(int in, int out, int from, int count) {
        double scale = (double) in / out;
        double filterscale = Math.max(scale, 1.0);
        double support = 1.0 * filterscale;
        int[] start = new int[count];
        int[] len = new int[count];
        int[][] weights = new int[count][];
        for (int j = 0; j < count; j++) {
            int i = from + j;
            double center = (i + 0.5) * scale;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > in) {
                xmax = in;
            }
            xmax -= xmin;
            double[] k = new double[xmax];
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double wgt = triangle((x + xmin - center + 0.5) * ss);
                k[x] = wgt;
                ww += wgt;
            }
            int[] fixed = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                fixed[x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            start[j] = xmin;
            len[j] = xmax;
            weights[j] = fixed;
        }
        return new Coefficients(start, len, weights);
    }

    private static double triangle(double x) {
        if (x < 0.0) {
            x = -x;
        }
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    /** Rounds a fixed-point sum to 0..255 as Pillow's {@code clip8} does. */
    static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (v <= 0) {
            return 0;
        }
        return v >> PRECISION_BITS;
    }

    /**
     * Pillow's two-pass resample: horizontal pass (only when the width changes) over the source rows the vertical
     * pass needs, rounded to 8 bits; then the vertical pass (only when the height changes), rounded to 8 bits.
     */
    private static int[] bilinear(int[] src, int w, int h, int dw, int dh, int x0, int y0, int ow, int oh) {
        if (verticalFirst(w, h, dw, dh)) {
            // Same two passes with the axes swapped: transpose, resize horizontally first, transpose back.
            int[] t = bilinearHorizontalFirst(transpose(src, w, h), h, w, dh, dw, y0, x0, oh, ow);
            return transpose(t, oh, ow);
        }
        return bilinearHorizontalFirst(src, w, h, dw, dh, x0, y0, ow, oh);
    }

    /**
     * Pillow 13's pass order (the pinned reference version): the vertical pass runs first when the height shrinks
     * much more than the width, {@code dw != w && dh < h && (h - dh) > 2 * (w - dw)}; older Pillow always starts
     * horizontally. The order changes some pixels by one unit.
     */
    static boolean verticalFirst(int w, int h, int dw, int dh) {
        return dw != w && dh < h && (h - dh) > 2L * (w - dw);
    }

    static int[] transpose(int[] a, int w, int h) {
        int[] t = new int[a.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                t[x * h + y] = a[y * w + x];
            }
        }
        return t;
    }

    private static int[] bilinearHorizontalFirst(int[] src, int w, int h, int dw, int dh, int x0, int y0, int ow,
                                                 int oh) {
        Coefficients vert = dh != h ? coefficients(h, dh, y0, oh) : null;
        int rowFirst;
        int rowEnd;
        if (vert != null) {
            rowFirst = vert.start()[0];
            rowEnd = vert.start()[oh - 1] + vert.count()[oh - 1];
        } else {
            rowFirst = y0;
            rowEnd = y0 + oh;
        }
        int rows = rowEnd - rowFirst;
        int[] temp;
        if (dw != w) {
            temp = new int[rows * ow];
            HorizontalPasses.BEST.run(src, w, rowFirst, rows,
                    HorizontalPass.Taps.of(coefficients(w, dw, x0, ow), w), temp);
        } else {
            temp = new int[rows * ow];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, (rowFirst + r) * w + x0, temp, r * ow, ow);
            }
        }
        if (vert == null) {
            return temp; // rows == oh: the window rows themselves
        }
        // Row by row, tap by tap: each tap adds a whole contiguous row, which the JIT can vectorise, instead of
        // walking down a column per output pixel (the same integer sums, so the same result).
        int[] out = new int[ow * oh];
        int[] sr = new int[ow];
        int[] sg = new int[ow];
        int[] sb = new int[ow];
        for (int y = 0; y < oh; y++) {
            int s = vert.start()[y] - rowFirst;
            int[] k = vert.weights()[y];
            java.util.Arrays.fill(sr, HALF);
            java.util.Arrays.fill(sg, HALF);
            java.util.Arrays.fill(sb, HALF);
            for (int t = 0; t < k.length; t++) {
                int kt = k[t];
                int row = (s + t) * ow;
                for (int x = 0; x < ow; x++) {
                    int p = temp[row + x];
                    sr[x] += ((p >>> 16) & 0xFF) * kt;
                    sg[x] += ((p >>> 8) & 0xFF) * kt;
                    sb[x] += (p & 0xFF) * kt;
                }
            }
            int o = y * ow;
            for (int x = 0; x < ow; x++) {
                out[o + x] = (clip8(sr[x]) << 16) | (clip8(sg[x]) << 8) | clip8(sb[x]);
            }
        }
        return out;
    }
}
