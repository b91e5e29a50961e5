package dev.imagesearch.embedded;

/**
 * Plain-Java inner products. C2 does not vectorise a float sum (it may not reorder the additions), so the loops
 * keep several independent accumulators to hide the add latency; batches work on 2 rows × 4 queries at a time so
 * that each loaded element feeds several multiply-adds.
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
    public void dotsBatch(float[] rows, int dim, int from, int to, float[][] queries, int q0, int nq,
                          float[][] out) {
        int j = 0;
        for (; j + 3 < nq; j += 4) {
            float[] qa = queries[q0 + j];
            float[] qb = queries[q0 + j + 1];
            float[] qc = queries[q0 + j + 2];
            float[] qd = queries[q0 + j + 3];
            for (int r = from; r < to; r++) {
                int base = r * dim;
                float sa = 0;
                float sb = 0;
                float sc = 0;
                float sd = 0;
                float ta = 0;
                float tb = 0;
                float tc = 0;
                float td = 0;
                int i = 0;
                for (; i + 1 < dim; i += 2) {
                    float v0 = rows[base + i];
                    float v1 = rows[base + i + 1];
                    sa += qa[i] * v0;
                    sb += qb[i] * v0;
                    sc += qc[i] * v0;
                    sd += qd[i] * v0;
                    ta += qa[i + 1] * v1;
                    tb += qb[i + 1] * v1;
                    tc += qc[i + 1] * v1;
                    td += qd[i + 1] * v1;
                }
                for (; i < dim; i++) {
                    float v0 = rows[base + i];
                    sa += qa[i] * v0;
                    sb += qb[i] * v0;
                    sc += qc[i] * v0;
                    sd += qd[i] * v0;
                }
                out[j][r - from] = sa + ta;
                out[j + 1][r - from] = sb + tb;
                out[j + 2][r - from] = sc + tc;
                out[j + 3][r - from] = sd + td;
            }
        }
        for (; j < nq; j++) {
            dots(rows, dim, from, to, queries[q0 + j], out[j]);
        }
    }
}
