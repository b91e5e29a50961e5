package dev.imagesearch.embedded;

import java.util.Arrays;

/** {@link EmbeddedVectorStore.Precision#FLOAT32} rows: one flat {@code float[]}, 4 bytes per element. */
final class FloatRows implements VectorRows {

    private final int dim;
    private float[] data = new float[0];

    FloatRows(int dim) {
        this.dim = dim;
    }

    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public String misfit(float[] v) {
        return null;
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
    public void set(int slot, float[] v) {
        System.arraycopy(v, 0, data, slot * dim, dim);
    }

    @Override
    public void move(int from, int to) {
        System.arraycopy(data, from * dim, data, to * dim, dim);
    }

    @Override
    public float[] get(int slot) {
        return Arrays.copyOfRange(data, slot * dim, slot * dim + dim);
    }

    @Override
    public QueryScorer dotScorer(DotKernel kernel, float[] q) {
        return (from, to, out) -> kernel.dots(data, dim, from, to, q, out);
    }

    @Override
    public QueryScorer l2Scorer(float[] q) {
        return (from, to, out) -> {
            for (int r = from; r < to; r++) {
                out[r - from] = l2(q, data, r * dim, dim);
            }
        };
    }

    @Override
    public TileScorer batchScorer(DotKernel kernel, int tileRows) {
        return (from, to, queries, nq, out) -> kernel.dotsBatch(data, dim, from, to, queries, 0, nq, out);
    }

    static float l2(float[] q, float[] v, int base, int dim) {
        float acc = 0;
        for (int i = 0; i < dim; i++) {
            float d = q[i] - v[base + i];
            acc += d * d;
        }
        return acc;
    }
}
