package dev.imagesearch.embedded;

import java.util.Arrays;

/**
 * {@link EmbeddedVectorStore.Precision#FLOAT16} rows: one flat {@code short[]} of {@link Float16} halves, 2 bytes
 * per element, so a search reads half the memory of {@link FloatRows}.
 */
final class HalfRows implements VectorRows {

    /**
     * A query is scaled so that its largest element is about 2<sup>56</sup>: its products with the kernel's
     * 2<sup>-112</sup>-scaled halves then stay far from both float overflow and the subnormal range.
     */
    private static final int QUERY_EXPONENT = 56;

    private final int dim;
    private short[] data = new short[0];

    HalfRows(int dim) {
        this.dim = dim;
    }

    @Override
    public int capacity() {
        return data.length / dim;
    }

    @Override
    public void resize(int rows) {
        data = Arrays.copyOf(data, rows * dim);
    }

    @Override
    public boolean fits(float[] v) {
        for (float x : v) {
            if (!Float16.fits(x)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void round(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Float16.decode(Float16.encode(v[i]));
        }
    }

    @Override
    public void set(int slot, float[] v) {
        int base = slot * dim;
        for (int i = 0; i < dim; i++) {
            data[base + i] = Float16.encode(v[i]);
        }
    }

    @Override
    public void move(int from, int to) {
        System.arraycopy(data, from * dim, data, to * dim, dim);
    }

    @Override
    public float[] get(int slot) {
        float[] out = new float[dim];
        DotKernel.scalar().decodeHalf(data, slot * dim, out, 0, dim);
        return out;
    }

    @Override
    public void dots(DotKernel kernel, float[] q, int from, int to, float[] out) {
        float max = 0;
        for (float x : q) {
            max = Math.max(max, Math.abs(x));
        }
        if (max == 0) {
            Arrays.fill(out, 0, to - from, 0f);
            return;
        }
        int e = Math.getExponent(max);
        float[] scaled = new float[dim];
        for (int i = 0; i < dim; i++) {
            scaled[i] = Math.scalb(q[i], QUERY_EXPONENT - e);
        }
        kernel.dotsHalf(data, dim, from, to, scaled, out);
        // raw = 2^(56 - e) · 2^-112 · (q · row)
        int back = e - QUERY_EXPONENT - Float16.DECODE_EXPONENT;
        for (int r = 0; r < to - from; r++) {
            out[r] = Math.scalb(out[r], back);
        }
    }

    /** Decodes each tile once into a float buffer, then scores it like {@link FloatRows}: the decoding is shared
     * by all queries of the batch. */
    @Override
    public TileScorer batchScorer(DotKernel kernel, int tileRows) {
        float[] tile = new float[tileRows * dim];
        return (from, to, queries, nq, out) -> {
            kernel.decodeHalf(data, from * dim, tile, 0, (to - from) * dim);
            kernel.dotsBatch(tile, dim, 0, to - from, queries, 0, nq, out);
        };
    }

    @Override
    public float l2(float[] q, int slot) {
        return FloatRows.l2(q, get(slot), 0, dim);
    }
}
