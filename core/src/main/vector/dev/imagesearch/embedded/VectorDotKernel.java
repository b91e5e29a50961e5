package dev.imagesearch.embedded;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inner products with the JDK Vector API (incubator in JDK 17). Loaded reflectively by {@code DotKernels} only when
 * the JVM runs with {@code --add-modules jdk.incubator.vector}; compiled separately with that flag (see core's
 * pom), so the rest of the library never links against the incubator module.
 * It lives in its own source folder ({@code src/main/vector}) in the same package.
 */
final class VectorDotKernel implements DotKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * L halves (half the bits of S), widened to L ints of S's shape, then read as L floats; null where no vector
     * shape has half of S's bits (a 64-bit S), and the halves are then scored by the scalar code.
     */
    private static final VectorSpecies<Short> H = halfSpecies();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private static VectorSpecies<Short> halfSpecies() {
        try {
            return VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    VectorDotKernel() {
    }

    @Override
    public String name() {
        return "vector-api-" + S.vectorBitSize();
    }

    @Override
    public void dots(float[] rows, int dim, int from, int to, float[] q, float[] out) {
        for (int r = from; r < to; r++) {
            out[r - from] = dot(rows, r * dim, q, dim);
        }
    }

    private static float dot(float[] v, int base, float[] q, int dim) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        int bound4 = dim - 4 * L;
        for (; i <= bound4; i += 4 * L) {
            a0 = FloatVector.fromArray(S, q, i).fma(FloatVector.fromArray(S, v, base + i), a0);
            a1 = FloatVector.fromArray(S, q, i + L).fma(FloatVector.fromArray(S, v, base + i + L), a1);
            a2 = FloatVector.fromArray(S, q, i + 2 * L).fma(FloatVector.fromArray(S, v, base + i + 2 * L), a2);
            a3 = FloatVector.fromArray(S, q, i + 3 * L).fma(FloatVector.fromArray(S, v, base + i + 3 * L), a3);
        }
        for (; i <= dim - L; i += L) {
            a0 = FloatVector.fromArray(S, q, i).fma(FloatVector.fromArray(S, v, base + i), a0);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            s += q[i] * v[base + i];
        }
        return s;
    }

    @Override
    public void dotsHalf(short[] rows, int dim, int from, int to, float[] q, float[] out) {
        if (H == null) {
            ScalarDotKernel.INSTANCE.dotsHalf(rows, dim, from, to, q, out);
            return;
        }
        for (int r = from; r < to; r++) {
            int base = r * dim;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int i = 0;
            for (; i <= dim - 4 * L; i += 4 * L) {
                a0 = FloatVector.fromArray(S, q, i).fma(halves(rows, base + i), a0);
                a1 = FloatVector.fromArray(S, q, i + L).fma(halves(rows, base + i + L), a1);
                a2 = FloatVector.fromArray(S, q, i + 2 * L).fma(halves(rows, base + i + 2 * L), a2);
                a3 = FloatVector.fromArray(S, q, i + 3 * L).fma(halves(rows, base + i + 3 * L), a3);
            }
            for (; i <= dim - L; i += L) {
                a0 = FloatVector.fromArray(S, q, i).fma(halves(rows, base + i), a0);
            }
            float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                s += q[i] * Float16.decodeScaled(rows[base + i]);
            }
            out[r - from] = s;
        }
    }

    /** L halves from {@code a[off]}, as {@link Float16#decodeScaled} floats. */
    private static FloatVector halves(short[] a, int off) {
        return ((IntVector) ShortVector.fromArray(H, a, off).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 13).lanewise(VectorOperators.AND, Float16.DECODE_MASK)
                .reinterpretAsFloats();
    }

    @Override
    public void decodeHalf(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        if (H == null) {
            ScalarDotKernel.INSTANCE.decodeHalf(src, srcOff, dst, dstOff, n);
            return;
        }
        int i = 0;
        for (; i <= n - L; i += L) {
            halves(src, srcOff + i).mul(0x1p112f).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = Float16.decode(src[srcOff + i]);
        }
    }

    @Override
    public void dotsBatch(float[] rows, int dim, int from, int to, float[][] queries, int q0, int nq,
                          float[][] out) {
        int j = 0;
        int bound = dim - L;
        for (; j + 3 < nq; j += 4) {
            float[] qa = queries[q0 + j];
            float[] qb = queries[q0 + j + 1];
            float[] qc = queries[q0 + j + 2];
            float[] qd = queries[q0 + j + 3];
            int r = from;
            for (; r + 1 < to; r += 2) { // 2 rows × 4 queries: 8 independent accumulators
                int b0 = r * dim;
                int b1 = b0 + dim;
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S);
                FloatVector a3 = FloatVector.zero(S);
                FloatVector c0 = FloatVector.zero(S);
                FloatVector c1 = FloatVector.zero(S);
                FloatVector c2 = FloatVector.zero(S);
                FloatVector c3 = FloatVector.zero(S);
                int i = 0;
                for (; i <= bound; i += L) {
                    FloatVector v0 = FloatVector.fromArray(S, rows, b0 + i);
                    FloatVector v1 = FloatVector.fromArray(S, rows, b1 + i);
                    FloatVector x = FloatVector.fromArray(S, qa, i);
                    a0 = x.fma(v0, a0);
                    c0 = x.fma(v1, c0);
                    x = FloatVector.fromArray(S, qb, i);
                    a1 = x.fma(v0, a1);
                    c1 = x.fma(v1, c1);
                    x = FloatVector.fromArray(S, qc, i);
                    a2 = x.fma(v0, a2);
                    c2 = x.fma(v1, c2);
                    x = FloatVector.fromArray(S, qd, i);
                    a3 = x.fma(v0, a3);
                    c3 = x.fma(v1, c3);
                }
                float sa = a0.reduceLanes(VectorOperators.ADD);
                float sb = a1.reduceLanes(VectorOperators.ADD);
                float sc = a2.reduceLanes(VectorOperators.ADD);
                float sd = a3.reduceLanes(VectorOperators.ADD);
                float ta = c0.reduceLanes(VectorOperators.ADD);
                float tb = c1.reduceLanes(VectorOperators.ADD);
                float tc = c2.reduceLanes(VectorOperators.ADD);
                float td = c3.reduceLanes(VectorOperators.ADD);
                for (; i < dim; i++) {
                    float v0 = rows[b0 + i];
                    float v1 = rows[b1 + i];
                    sa += qa[i] * v0;
                    sb += qb[i] * v0;
                    sc += qc[i] * v0;
                    sd += qd[i] * v0;
                    ta += qa[i] * v1;
                    tb += qb[i] * v1;
                    tc += qc[i] * v1;
                    td += qd[i] * v1;
                }
                int o = r - from;
                out[j][o] = sa;
                out[j + 1][o] = sb;
                out[j + 2][o] = sc;
                out[j + 3][o] = sd;
                out[j][o + 1] = ta;
                out[j + 1][o + 1] = tb;
                out[j + 2][o + 1] = tc;
                out[j + 3][o + 1] = td;
            }
            for (; r < to; r++) {
                out[j][r - from] = dot(rows, r * dim, qa, dim);
                out[j + 1][r - from] = dot(rows, r * dim, qb, dim);
                out[j + 2][r - from] = dot(rows, r * dim, qc, dim);
                out[j + 3][r - from] = dot(rows, r * dim, qd, dim);
            }
        }
        for (; j < nq; j++) {
            dots(rows, dim, from, to, queries[q0 + j], out[j]);
        }
    }
}
