package dev.imagesearch.bench;

import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact top-10 search of the embedded store over {@code n} random unit vectors of 1280 dimensions: one query, and a
 * batch of 50 (score = time per batch; divide by 50 for the time per query). The {@code simd} forks run with the
 * Vector API module, the {@code scalar} ones without it (the fallback users get without the flag). {@code precision}
 * is the store's: FLOAT32 (default) or FLOAT16 (half the bytes per vector).
 *
 * <pre>java -jar bench/target/benchmarks.jar SearchBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SearchBenchmark {

    @Param({"100000"})
    int n;

    @Param({"FLOAT32", "FLOAT16"})
    EmbeddedVectorStore.Precision precision;

    private static final int DIM = 1280;
    private RandomVectors vectors;
    private VectorCollection collection;
    private List<float[]> queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        vectors = new RandomVectors(n, DIM, precision);
        collection = vectors.collection();
        queries = vectors.queries();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        vectors.close();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules", "jdk.incubator.vector"})
    public List<ScoredId> singleSimd() {
        return collection.search(queries.get(next++ % queries.size()), 10);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules", "jdk.incubator.vector"})
    public List<List<ScoredId>> batch50Simd() {
        return collection.searchBatch(queries, 10);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
    public List<ScoredId> singleScalar() {
        return collection.search(queries.get(next++ % queries.size()), 10);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
    public List<List<ScoredId>> batch50Scalar() {
        return collection.searchBatch(queries, 10);
    }
}
