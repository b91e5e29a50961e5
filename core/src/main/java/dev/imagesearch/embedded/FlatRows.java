package dev.imagesearch.embedded;

/**
 * What {@link FloatRows} and {@link HalfRows} share: rows of {@code dim} elements back to back in one flat array
 * (of floats or of halves), grown, moved and read row by row the same way.
 */
abstract class FlatRows implements VectorRows {

    final int dim;

    FlatRows(int dim) {
        this.dim = dim;
    }

    /** The flat array ({@code float[]} or {@code short[]}). */
    abstract Object array();

    /** Elements the array holds. */
    abstract int length();

    /** Replaces the array by a copy of {@code elements} elements (cut or zero-padded). */
    abstract void reallocate(int elements);

    /** Decodes row {@code slot} into {@code out} (the rounded values, if not {@link #lossless}). */
    abstract void read(int slot, float[] out);

    @Override
    public int capacity() {
        return length() / dim;
    }

    @Override
    public void resize(int rows) {
        reallocate(rows * dim);
    }

    @Override
    public void move(int from, int to) {
        Object a = array();
        System.arraycopy(a, from * dim, a, to * dim, dim);
    }

    @Override
    public float[] get(int slot) {
        float[] out = new float[dim];
        read(slot, out);
        return out;
    }

    /** Squared L2 distance between {@code q} and the {@code dim} elements of {@code v} from {@code base}. */
    static float l2(float[] q, float[] v, int base, int dim) {
        float acc = 0;
        for (int i = 0; i < dim; i++) {
            float d = q[i] - v[base + i];
            acc += d * d;
        }
        return acc;
    }
}
