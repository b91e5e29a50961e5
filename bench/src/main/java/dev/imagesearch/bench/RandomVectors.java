package dev.imagesearch.bench;

import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random unit vectors for the search benchmarks: an exact search costs the same whatever the vectors hold. */
final class RandomVectors {

    private RandomVectors() {
    }

    /** A unit vector of {@code dim} Gaussian components. */
    static float[] unit(Random rnd, int dim) {
        float[] v = new float[dim];
        double s = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            s += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < dim; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /** Stores {@code n} random unit vectors under ids 0..n-1, 1,000 per upsert. */
    static void fill(VectorCollection collection, int n, Random rnd) {
        int dim = collection.spec().dimension();
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new VectorRecord(i, unit(rnd, dim)));
            if (batch.size() == 1000) {
                collection.upsert(batch);
                batch.clear();
            }
        }
        collection.upsert(batch);
    }

    /** {@code count} random unit queries. */
    static List<float[]> queries(int count, Random rnd, int dim) {
        List<float[]> out = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            out.add(unit(rnd, dim));
        }
        return out;
    }
}
