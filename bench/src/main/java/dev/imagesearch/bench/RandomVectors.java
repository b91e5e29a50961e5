package dev.imagesearch.bench;

import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * An embedded store in a temporary folder holding {@code n} random unit vectors (ids 0..n-1), and 50 random unit
 * queries, for the search benchmarks: an exact search costs the same whatever the vectors hold. Closing it deletes
 * the folder.
 */
final class RandomVectors implements AutoCloseable {

    private final Path dir;
    private final EmbeddedVectorStore store;
    private final VectorCollection collection;
    private final List<float[]> queries;

    RandomVectors(int n, int dim, EmbeddedVectorStore.Precision precision) throws IOException {
        dir = Files.createTempDirectory("search-bench");
        store = EmbeddedVectorStore.builder(dir).precision(precision).open();
        collection = store.open(CollectionSpec.builder("bench", dim).metric(Metric.IP).build());
        Random rnd = new Random(42);
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new VectorRecord(i, unit(rnd, dim)));
            if (batch.size() == 1000) {
                collection.upsert(batch);
                batch.clear();
            }
        }
        collection.upsert(batch);
        queries = new ArrayList<>();
        for (int j = 0; j < 50; j++) {
            queries.add(unit(rnd, dim));
        }
    }

    VectorCollection collection() {
        return collection;
    }

    List<float[]> queries() {
        return queries;
    }

    private static float[] unit(Random rnd, int dim) {
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

    @Override
    public void close() throws IOException {
        store.close();
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
