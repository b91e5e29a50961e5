package dev.imagesearch.embedded;

/**
 * The vectors of an {@link EmbeddedCollection}, one row of {@code dim} elements per slot, in the store's
 * {@link EmbeddedVectorStore.Precision}. Not thread-safe: the collection's lock guards it.
 */
interface VectorRows {

    static VectorRows create(EmbeddedVectorStore.Precision precision, int dim) {
        return precision == EmbeddedVectorStore.Precision.FLOAT16 ? new HalfRows(dim) : new FloatRows(dim);
    }

    /** Rows that fit without growing. */
    int capacity();

    /** Grows or shrinks to {@code rows} rows, keeping the first {@code min(capacity(), rows)}. */
    void resize(int rows);

    /**
     * Stores {@code v} in {@code slot}.
     *
     * @throws IllegalArgumentException if an element cannot be stored in this precision
     */
    void set(int slot, float[] v);

    /** Whether every element of {@code v} can be stored in this precision. */
    boolean fits(float[] v);

    /** Rounds {@code v} in place to the values this precision stores (a no-op for 32-bit floats). */
    void round(float[] v);

    /** Copies row {@code from} onto row {@code to}. */
    void move(int from, int to);

    /** A copy of row {@code slot} as floats. */
    float[] get(int slot);

    /** {@code out[r - from] = q · row r} for rows {@code from ..< to}. */
    void dots(DotKernel kernel, float[] q, int from, int to, float[] out);

    /**
     * Scores tiles of up to {@code tileRows} rows against several queries at once (see
     * {@link DotKernel#dotsBatch}). One scorer per search: it may hold a buffer.
     */
    TileScorer batchScorer(DotKernel kernel, int tileRows);

    /** Squared L2 distance from {@code q} to row {@code slot}. */
    float l2(float[] q, int slot);

    /** {@code out[j][r - from] = queries[j] · row r} for {@code j < nq}, rows {@code from ..< to}. */
    interface TileScorer {
        void dots(int from, int to, float[][] queries, int nq, float[][] out);
    }
}
