package dev.imagesearch.bench;

import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.query.DatabaseAugmentation;
import dev.imagesearch.query.QueryExpansion;
import dev.imagesearch.query.SearchRefinement;
import dev.imagesearch.search.Match;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * The cost of a refined top-10 query on the embedded store at {@code n} vectors of 1280 dimensions (float32, Vector
 * API): the plain search, α-query expansion 5:3, α-database-side augmentation 10:3 (depth 50) and both, as
 * {@code ImageSearch.similar(image, 10, refinement)} runs them once the query vector is known. The vectors are random
 * unit vectors: an exact search costs the same whatever they hold, and each DBA query still reads and augments its
 * 50 candidates with one batch search. Each operation is one query.
 *
 * <pre>java -jar bench/target/benchmarks.jar RefinedSearchBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules", "jdk.incubator.vector"})
public class RefinedSearchBenchmark {

    @Param({"100000"})
    int n;

    /** {@code plain}, {@code qe} (α-QE 5:3), {@code dba} (α-DBA 10:3) or {@code qe+dba}. */
    @Param({"plain", "qe", "dba", "qe+dba"})
    String refinement;

    private static final int DIM = 1280;
    private RandomVectors vectors;
    private VectorCollection collection;
    private SearchRefinement refine;
    private List<float[]> queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        QueryExpansion qe = refinement.contains("qe") ? QueryExpansion.alpha(5, 3) : null;
        DatabaseAugmentation dba = refinement.contains("dba") ? DatabaseAugmentation.alpha(10, 3) : null;
        refine = new SearchRefinement(qe, dba);
        vectors = new RandomVectors(n, DIM, EmbeddedVectorStore.Precision.FLOAT32);
        collection = vectors.collection();
        queries = vectors.queries();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        vectors.close();
    }

    /** The plain search as the facade gives it to a refinement: ids as matches (no id map in this benchmark). */
    private List<Match> plain(float[] v, int k) {
        List<ScoredId> found = collection.search(v, k);
        List<Match> out = new ArrayList<>(found.size());
        for (ScoredId s : found) {
            out.add(new Match(out.size() + 1, s.id(), "", List.of(), s.score(), ""));
        }
        return out;
    }

    @Benchmark
    public List<Match> query() {
        return refine.search(queries.get(next++ % queries.size()), 10, collection::vectors, this::plain,
                collection::searchBatch, Set.of());
    }
}
