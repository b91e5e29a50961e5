package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.onnx.preprocess.Layout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The embedding head of {@link OnnxEmbedder}: which output gives the vector, how a 4-D feature map is pooled
 * into one, and whether it is L2-normalised.
 *
 * @param output      the output the embedding is read from
 * @param channelAxis of a 4-D output: 1 or 3; 0 for a 2-D output
 * @param pooling     resolved: AVG, MAX or NONE (for a 2-D output)
 * @param normalize   whether vectors are L2-normalised
 * @param dimension   values per vector
 */
record EmbeddingHead(String output, int channelAxis, Pooling pooling, boolean normalize, int dimension) {

    /**
     * The head for {@code output}, whose real shape for one image is {@code shape}.
     *
     * @throws EmbeddingException if the rank is not 2 or 4, pooling NONE meets a 4-D output, or the dimension is
     *                            not {@code expectedDimension} (when that is positive)
     */
    static EmbeddingHead of(Path file, String output, long[] shape, Pooling requested, boolean normalize,
                            int expectedDimension, Layout inputLayout) {
        int axis = 0;
        int dim;
        if (shape.length == 2) {
            dim = (int) shape[1];
        } else if (shape.length == 4) {
            if (requested == Pooling.NONE) {
                throw new EmbeddingException("Output '" + output + "' of " + file + " is 4-D "
                        + Arrays.toString(shape) + " but pooling is NONE; use AUTO, AVG or MAX");
            }
            axis = channelAxis(shape, expectedDimension, inputLayout);
            dim = (int) shape[axis];
        } else {
            throw new EmbeddingException("Output '" + output + "' of " + file + " has shape "
                    + Arrays.toString(shape) + "; an embedding output must be 2-D (batch, dimension) or 4-D "
                    + "(a feature map to pool)");
        }
        if (expectedDimension > 0 && expectedDimension != dim) {
            throw new EmbeddingException("Output '" + output + "' of " + file + " gives " + dim
                    + " values per image but " + ModelDescriptor.FILE_NAME + " says dimension=" + expectedDimension);
        }
        Pooling pooling = axis == 0 ? Pooling.NONE : (requested == Pooling.MAX ? Pooling.MAX : Pooling.AVG);
        return new EmbeddingHead(output, axis, pooling, normalize, dim);
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

    /** The fingerprint part of this head: {@code output=<output>;pooling=<avg|max|none>;l2=<bool>}. */
    String describe() {
        return "output=" + output + ";pooling=" + pooling.name().toLowerCase(Locale.ROOT) + ";l2=" + normalize;
    }

    /** One image's vector from its {@code [positions][channels]} output. */
    float[] vector(float[][] grid) {
        float[] v = reduce(grid, pooling);
        if (normalize) {
            l2Normalize(v);
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
