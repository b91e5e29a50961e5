package dev.imagesearch.embedded;

/**
 * Inner products of queries with rows of a flat row-major matrix ({@code dim} floats per row): the inner loop of
 * exact search. Two implementations: {@link ScalarDotKernel} (plain Java, always available) and a JDK Vector API
 * one, used only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see {@link #best()}).
 */
interface DotKernel {

    /** {@code out[r - from] = q · row r} for rows {@code from ..< to}. */
    void dots(float[] rows, int dim, int from, int to, float[] q, float[] out);

    /**
     * For several queries at once: {@code out[j][r - from] = queries[q0 + j] · row r} for {@code j < nq} and rows
     * {@code from ..< to}. Each row is read once for all {@code nq} queries, which is what makes batches cheaper
     * per query than single searches.
     */
    void dotsBatch(float[] rows, int dim, int from, int to, float[][] queries, int q0, int nq, float[][] out);

    /**
     * For rows stored as halves ({@link Float16}): {@code out[r - from] = Σ q[i] · Float16.decodeScaled(row r)[i]},
     * i.e. the inner product with the stored values times 2<sup>-112</sup>. The caller scales the query up and the
     * result back (see {@code HalfRows}), so the kernel decodes each element with a shift and a mask only.
     */
    void dotsHalf(short[] rows, int dim, int from, int to, float[] q, float[] out);

    /** {@code dst[dstOff + i] = Float16.decode(src[srcOff + i])} for {@code i < n}. */
    void decodeHalf(short[] src, int srcOff, float[] dst, int dstOff, int n);

    /** Short name for logs and benchmarks. */
    String name();

    /**
     * The Vector API kernel when the {@code jdk.incubator.vector} module is in the boot layer (and the kernel loads),
     * otherwise the scalar one. The system property {@code imagesearch.simd=false} forces the scalar kernel.
     */
    static DotKernel best() {
        return DotKernels.BEST;
    }

    /** The plain-Java kernel. */
    static DotKernel scalar() {
        return ScalarDotKernel.INSTANCE;
    }
}
