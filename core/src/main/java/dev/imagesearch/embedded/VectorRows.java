package dev.imagesearch.embedded;

/**
 * The vectors of an {@link EmbeddedCollection}, one row of {@code dim} elements per slot, in the store's
 * {@link EmbeddedVectorStore.Precision}. Not thread-safe: the collection's lock guards it; the scorers it hands out
 * hold their own buffers, so concurrent searches each use their own.
 */
interface VectorRows {

    static VectorRows create(EmbeddedVectorStore.Precision precision, int dim) {
        return precision == EmbeddedVectorStore.Precision.FLOAT16 ? new HalfRows(dim) : new FloatRows(dim);
    }

    /** Whether rows hold exactly the floats they were given (false: they are rounded). */
    boolean lossless();

    /**
     * Why {@code v} cannot be stored in this precision (the rest of a sentence "the vector has ..."), or
     * {@code null} if it can.
     */
    String misfit(float[] v);

    /** Rows that fit without growing. */
    int capacity();

    /** Grows or shrinks to {@code rows} rows, keeping the first {@code min(capacity(), rows)}. */
    void resize(int rows);

    /** Stores {@code v} (which must not {@link #misfit}) in {@code slot}. */
    void set(int slot, float[] v);

    /** Copies row {@code from} onto row {@code to}. */
    void move(int from, int to);

    /** A copy of row {@code slot} as floats (the rounded values, if not {@link #lossless}). */
    float[] get(int slot);

    /** Inner products of {@code q} with rows; one scorer per search. */
    QueryScorer dotScorer(DotKernel kernel, float[] q);

    /** Squared L2 distances from {@code q} to rows; one scorer per search. */
    QueryScorer l2Scorer(float[] q);

    /**
     * Scores tiles of up to {@code tileRows} rows against several queries at once (see
     * {@link DotKernel#dotsBatch}). One scorer per search: it may hold a buffer.
     */
    TileScorer batchScorer(DotKernel kernel, int tileRows);

    /** {@code out[r - from] = score of row r} for rows {@code from ..< to}. */
    interface QueryScorer {
        void score(int from, int to, float[] out);
    }

    /** {@code out[j][r - from] = queries[j] · row r} for {@code j < nq}, rows {@code from ..< to}. */
    interface TileScorer {
        void dots(int from, int to, float[][] queries, int nq, float[][] out);
    }
}
