package dev.imagesearch.onnx.preprocess;

import java.util.Arrays;

/**
 * Per channel {@code (pixel * scale - mean[c]) / std[c]} on the 0..255 value, computed in double and rounded to
 * float once ({@code normalize scale=0.00392156862745098 mean=0.485,0.456,0.406 std=0.229,0.224,0.225}).
 * {@code mean} and {@code std} are in R, G, B order whatever the {@link Channels} order. Without this step a
 * pipeline keeps the 0..255 values.
 *
 * @param scale factor applied to the pixel value first
 * @param mean  per-channel value subtracted after scaling, R, G, B
 * @param std   per-channel divisor applied last, R, G, B
 */
public record Normalize(double scale, double[] mean, double[] std) implements Transform {

    /** Leaves 0..255 unchanged. */
    public static final Normalize IDENTITY = new Normalize(1, new double[] {0, 0, 0}, new double[] {1, 1, 1});

    public Normalize {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
        }
        mean = checked("mean", mean, false);
        std = checked("std", std, true);
    }

    /** A copy of 3 finite per-channel values (positive ones when asked); shared with {@link Preprocessing}. */
    static double[] checked(String what, double[] values, boolean positive) {
        if (values == null) {
            throw new NullPointerException(what);
        }
        if (values.length != 3) {
            throw new IllegalArgumentException(what + " needs 3 values (R, G, B), got " + Arrays.toString(values));
        }
        for (double v : values) {
            if (!Double.isFinite(v) || (positive && v <= 0)) {
                throw new IllegalArgumentException(what + " values must be finite" + (positive ? " and positive" : "")
                        + ", got " + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** Per source channel (R, G, B) the float of every 0..255 value. */
    float[][] lookupTables() {
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (float) ((v * scale - mean[c]) / std[c]);
            }
        }
        return lut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalize n && Double.compare(scale, n.scale) == 0 && Arrays.equals(mean, n.mean)
                && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Double.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalize[" + describe() + "]";
    }

    @Override
    public String describe() {
        return "normalize scale=" + Pipeline.num(scale) + " mean=" + Pipeline.nums(mean) + " std=" + Pipeline.nums(std);
    }
}
