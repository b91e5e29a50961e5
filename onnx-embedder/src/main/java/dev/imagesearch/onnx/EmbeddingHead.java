package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Layout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The embedding head of {@link OnnxEmbedder}: which output gives the vector, how a 4-D feature map is pooled
 * into one, and whether it is L2-normalised.
 *
 * @param output      the output the embedding is read from
 * @param channelAxis of a 4-D output: 1 or 3; 0 for a 2-D output
 * @param pooling     resolved: AVG, MAX, GEM or NONE (for a 2-D output)
 * @param gemP        the exponent of GEM pooling (ignored otherwise)
 * @param normalize   whether vectors are L2-normalised
 * @param dimension   values per vector (after whitening, when there is one)
 * @param whitening   applied after pooling: the pooled vector is L2-normalised, whitened, then normalised as
 *                    {@code normalize} says
 */
record EmbeddingHead(String output, int channelAxis, Pooling pooling, double gemP, boolean normalize, int dimension,
                     Optional<Whitening> whitening) {

    /** The default exponent of GeM pooling (Radenović et al., TPAMI 2018: p = 3 works well for most networks). */
    static final double DEFAULT_GEM_P = 3;

    /** GeM clamps activations at this value before the power, so {@code x^p} is defined and never 0. */
    static final float GEM_EPS = 1e-6f;

    /**
     * The head for {@code output}, whose real shape for one image is {@code shape}.
     *
     * @throws EmbeddingException if the rank is not 2 or 4, pooling NONE meets a 4-D output, or the dimension is
     *                            not {@code expectedDimension} (when that is positive), or the whitening's input
     *                            dimension is not the pooled one
     */
    static EmbeddingHead of(Path file, String output, long[] shape, Pooling requested, double gemP,
                            boolean normalize, int expectedDimension, Layout inputLayout,
                            Optional<Whitening> whitening) {
        int axis = 0;
        int dim;
        if (shape.length == 2) {
            dim = (int) shape[1];
        } else if (shape.length == 4) {
            if (requested == Pooling.NONE) {
                throw new EmbeddingException("Output '" + output + "' of " + file + " is 4-D "
                        + Arrays.toString(shape) + " but pooling is NONE; use AUTO, AVG, MAX or GEM");
            }
            axis = channelAxis(shape, whitening.map(Whitening::inputDimension).orElse(expectedDimension),
                    inputLayout);
            dim = (int) shape[axis];
        } else {
            throw new EmbeddingException("Output '" + output + "' of " + file + " has shape "
                    + Arrays.toString(shape) + "; an embedding output must be 2-D (batch, dimension) or 4-D "
                    + "(a feature map to pool)");
        }
        if (whitening.isPresent()) {
            if (whitening.get().inputDimension() != dim) {
                throw new EmbeddingException("Output '" + output + "' of " + file + " gives " + dim
                        + " values per image but its whitening expects " + whitening.get().inputDimension());
            }
            dim = whitening.get().outputDimension();
        }
        if (expectedDimension > 0 && expectedDimension != dim) {
            throw new EmbeddingException("Output '" + output + "' of " + file + " gives " + dim
                    + " values per image" + (whitening.isPresent() ? " after whitening" : "") + " but "
                    + ModelDescriptor.FILE_NAME + " says dimension=" + expectedDimension);
        }
        if (requested == Pooling.GEM && !validGemP(gemP)) {
            throw new EmbeddingException("GeM exponent p must be in (0, " + (int) MAX_GEM_P + "], got " + gemP);
        }
        Pooling pooling = axis == 0 ? Pooling.NONE
                : (requested == Pooling.MAX || requested == Pooling.GEM ? requested : Pooling.AVG);
        return new EmbeddingHead(output, axis, pooling, gemP, normalize, dim, whitening);
    }

    /** Beyond this GeM is max pooling in all but name, and x^p overflows floats for large activations. */
    static final double MAX_GEM_P = 16;

    /** Whether {@code p} is a GeM exponent this head accepts: in (0, {@link #MAX_GEM_P}] (NaN is not). */
    static boolean validGemP(double p) {
        return p > 0 && p <= MAX_GEM_P;
    }

    /**
     * {@code p} if it is {@link #validGemP valid}.
     *
     * @throws IllegalArgumentException otherwise, with the value
     */
    static double checkedGemP(double p) {
        if (!validGemP(p)) {
            throw new IllegalArgumentException("GeM exponent p must be in (0, 16], got " + p);
        }
        return p;
    }

    /**
     * The channel axis of a 4-D output [N, a, b, c]: the axis equal to the expected dimension when exactly one
     * of 1 and 3 is, otherwise the input layout's channel axis.
     */
    static int channelAxis(long[] shape, int expectedDimension, Layout inputLayout) {
        if (expectedDimension > 0) {
            boolean first = shape[1] == expectedDimension;
            boolean last = shape[3] == expectedDimension;
            if (first != last) {
                return first ? 1 : 3;
            }
        }
        return inputLayout == Layout.NHWC ? 3 : 1;
    }

    /**
     * The fingerprint part of this head: {@code output=<output>;pooling=<avg|max|none|gem<p>>;l2=<bool>}, then
     * {@code ;whiten=<sha256>/<dimension>} with a whitening. Vectors of heads that differ here never mix.
     */
    String describe() {
        String how = pooling == Pooling.GEM ? "gem" + formatP(gemP) : pooling.name().toLowerCase(Locale.ROOT);
        return "output=" + output + ";pooling=" + how + ";l2=" + normalize
                + whitening.map(w -> ";" + w.describe()).orElse("");
    }

    /** {@code 3} for 3.0, {@code 2.5} for 2.5: the shortest text that reads back as the same double. */
    static String formatP(double p) {
        return p == Math.rint(p) && Math.abs(p) < 1e9 ? Long.toString((long) p) : Double.toString(p);
    }

    /** One image's vector from its {@code [positions][channels]} output. */
    float[] vector(float[][] grid) {
        float[] v = pooling == Pooling.GEM ? gem(grid, gemP) : reduce(grid, pooling);
        if (whitening.isPresent()) {
            l2Normalize(v);
            v = whitening.get().apply(v);
        }
        if (normalize) {
            l2Normalize(v);
        }
        return v;
    }

    /**
     * Generalised mean pooling per channel: {@code (mean over positions of max(x, eps)^p)^(1/p)}. p = 1 is
     * average pooling of the clamped map, large p tends to max pooling. Integer p up to 4 is multiplied out
     * instead of calling {@link Math#pow} per value.
     */
    static float[] gem(float[][] grid, double p) {
        int channels = grid[0].length;
        double[] sum = new double[channels];
        int whole = p == Math.rint(p) && p >= 1 && p <= 4 ? (int) p : 0;
        for (float[] position : grid) {
            for (int c = 0; c < channels; c++) {
                double x = Math.max(position[c], GEM_EPS);
                sum[c] += switch (whole) {
                    case 1 -> x;
                    case 2 -> x * x;
                    case 3 -> x * x * x;
                    case 4 -> (x * x) * (x * x);
                    default -> Math.pow(x, p);
                };
            }
        }
        float[] v = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / grid.length;
            v[c] = (float) (whole == 1 ? m : Math.pow(m, 1 / p));
        }
        return v;
    }

    /** One vector from {@code [positions][channels]}: the row itself when there is one position. */
    static float[] reduce(float[][] grid, Pooling how) {
        if (grid.length == 1) {
            return grid[0];
        }
        int channels = grid[0].length;
        float[] v = new float[channels];
        for (int c = 0; c < channels; c++) {
            if (how == Pooling.MAX) {
                float m = Float.NEGATIVE_INFINITY;
                for (float[] position : grid) {
                    m = Math.max(m, position[c]);
                }
                v[c] = m;
            } else {
                double s = 0;
                for (float[] position : grid) {
                    s += position[c];
                }
                v[c] = (float) (s / grid.length);
            }
        }
        return v;
    }

    static void l2Normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s > 0) {
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }
}
