package dev.imagesearch.embedded;

import java.util.Arrays;

/** {@link EmbeddedVectorStore.Precision#FLOAT32} rows: one flat {@code float[]}, 4 bytes per element. */
final class FloatRows extends FlatRows {

    private float[] data = new float[0];

    FloatRows(int dim) {
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
        System.arraycopy(data, slot * dim, out, 0, dim);
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
    public void set(int slot, float[] v) {
        System.arraycopy(v, 0, data, slot * dim, dim);
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
}
