package dev.imagesearch.embedded;

import java.util.Arrays;
import java.util.Locale;

/**
 * {@link EmbeddedVectorStore.Precision#FLOAT16} rows: one flat {@code short[]} of {@link Float16} halves, 2 bytes
 * per element, so a search reads half the memory of {@link FloatRows}.
 */
final class HalfRows extends FlatRows {

    /**
     * A query is scaled so that its largest element is about 2<sup>56</sup>: its products with the kernel's
     * 2<sup>-112</sup>-scaled halves then stay far from both float overflow and the subnormal range.
     */
    private static final int QUERY_EXPONENT = 56;
    /** Largest share of a vector's norm that rounding (mostly: tiny elements stored as 0) may take. */
    private static final double MAX_NORM_LOSS = 0.01;

    private short[] data = new short[0];

    HalfRows(int dim) {
        super(dim);
    }

    @Override
    Object array() {
        return data;
    }

    @Override
    int length() {
        return data.length;
    }

    @Override
    void reallocate(int elements) {
        data = Arrays.copyOf(data, elements);
    }

    @Override
    void read(int slot, float[] out) {
        DotKernel.scalar().decodeHalf(data, slot * dim, out, 0, dim);
    }

    @Override
    public boolean lossless() {
        return false;
    }

    @Override
    public String misfit(float[] v) {
        double norm = 0;
        double error = 0;
        for (float x : v) {
            if (!Float16.fits(x)) {
                return "an element beyond the float16 range of ±65504 (" + x + ")";
            }
            double d = x - Float16.decode(Float16.encode(x));
            norm += (double) x * x;
            error += d * d;
        }
        if (error > MAX_NORM_LOSS * MAX_NORM_LOSS * norm) {
            return String.format(Locale.ROOT, "elements too small for float16, which stores magnitudes below %.1e "
                    + "as 0: rounding would change it by %.1f %% of its norm", Float16.MIN_NORMAL,
                    100 * Math.sqrt(error / norm));
        }
        return null;
    }

    @Override
    public void set(int slot, float[] v) {
        int base = slot * dim;
        for (int i = 0; i < dim; i++) {
            data[base + i] = Float16.encode(v[i]);
        }
    }

    @Override
    public QueryScorer dotScorer(DotKernel kernel, float[] q) {
        float max = 0;
        for (float x : q) {
            max = Math.max(max, Math.abs(x));
        }
        if (max == 0) {
            return (from, to, out) -> Arrays.fill(out, 0, to - from, 0f);
        }
        int e = Math.getExponent(max); // -127 for a subnormal max: still scales it into range
        float[] scaled = new float[dim];
        for (int i = 0; i < dim; i++) {
            scaled[i] = Math.scalb(q[i], QUERY_EXPONENT - e);
        }
        // kernel result = 2^(56 - e) · 2^-112 · (q · row)
        int back = e - QUERY_EXPONENT - Float16.DECODE_EXPONENT;
        return (from, to, out) -> {
            kernel.dotsHalf(data, dim, from, to, scaled, out);
            for (int r = 0; r < to - from; r++) {
                out[r] = Math.scalb(out[r], back);
            }
        };
    }

    @Override
    public QueryScorer l2Scorer(float[] q) {
        float[] row = new float[dim];
        return (from, to, out) -> {
            for (int r = from; r < to; r++) {
                read(r, row);
                out[r - from] = l2(q, row, 0, dim);
            }
        };
    }

    /**
     * Decodes each tile once into a float buffer, then scores it like {@link FloatRows}: the decoding is shared by
     * all queries of the batch.
     */
    @Override
    public TileScorer batchScorer(DotKernel kernel, int tileRows) {
        float[] tile = new float[tileRows * dim];
        return (from, to, queries, nq, out) -> {
            kernel.decodeHalf(data, from * dim, tile, 0, (to - from) * dim);
            kernel.dotsBatch(tile, dim, 0, to - from, queries, 0, nq, out);
        };
    }
}
