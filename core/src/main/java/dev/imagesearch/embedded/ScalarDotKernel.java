package dev.imagesearch.embedded;

/**
 * Plain-Java inner products. C2 does not vectorise a float sum (it may not reorder the additions), so the loops
 * keep several independent accumulators to hide the add latency.
 */
final class ScalarDotKernel implements DotKernel {

    static final ScalarDotKernel INSTANCE = new ScalarDotKernel();

    private ScalarDotKernel() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void dots(float[] rows, int dim, int from, int to, float[] q, float[] out) {
        for (int r = from; r < to; r++) {
            out[r - from] = dot(rows, r * dim, q, dim);
        }
    }

    static float dot(float[] v, int base, float[] q, int dim) {
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        float a4 = 0;
        float a5 = 0;
        float a6 = 0;
        float a7 = 0;
        int i = 0;
        for (; i + 7 < dim; i += 8) {
            a0 += q[i] * v[base + i];
            a1 += q[i + 1] * v[base + i + 1];
            a2 += q[i + 2] * v[base + i + 2];
            a3 += q[i + 3] * v[base + i + 3];
            a4 += q[i + 4] * v[base + i + 4];
            a5 += q[i + 5] * v[base + i + 5];
            a6 += q[i + 6] * v[base + i + 6];
            a7 += q[i + 7] * v[base + i + 7];
        }
        for (; i < dim; i++) {
            a0 += q[i] * v[base + i];
        }
        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    }

    @Override
    public void dotsHalf(short[] rows, int dim, int from, int to, float[] q, float[] out) {
        for (int r = from; r < to; r++) {
            int base = r * dim;
            float a0 = 0;
            float a1 = 0;
            float a2 = 0;
            float a3 = 0;
            int i = 0;
            for (; i + 3 < dim; i += 4) {
                a0 += q[i] * Float16.decodeScaled(rows[base + i]);
                a1 += q[i + 1] * Float16.decodeScaled(rows[base + i + 1]);
                a2 += q[i + 2] * Float16.decodeScaled(rows[base + i + 2]);
                a3 += q[i + 3] * Float16.decodeScaled(rows[base + i + 3]);
            }
            for (; i < dim; i++) {
                a0 += q[i] * Float16.decodeScaled(rows[base + i]);
            }
            out[r - from] = (a0 + a1) + (a2 + a3);
        }
    }

    @Override
    public void decodeHalf(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float16.decode(src[srcOff + i]);
        }
    }

    /**
     * Row by row, every query against the row while it is in cache. A 4-query register-blocked variant was
     * measured slower with C2 (bounds checks on four query arrays), so the loop stays simple: the gain of a batch
     * comes from reading each tile of rows from memory once.
     */
    @Override
    public void dotsBatch(float[] rows, int dim, int from, int to, float[][] queries, int q0, int nq,
                          float[][] out) {
        for (int r = from; r < to; r++) {
            int base = r * dim;
            for (int j = 0; j < nq; j++) {
                out[j][r - from] = dot(rows, base, queries[q0 + j], dim);
            }
        }
    }
}
