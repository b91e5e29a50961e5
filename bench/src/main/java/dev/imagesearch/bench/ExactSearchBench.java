package dev.imagesearch.bench;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.embedded.EmbeddedVectorStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code PipelineBench search}: exact top-k over the vectors the FAISS benchmark was given. */
final class ExactSearchBench {

    private final BenchOptions options;

    ExactSearchBench(BenchOptions options) {
        this.options = options;
    }

    /** Exact search over the FAISS benchmark's vectors: single queries, then one batch; checks top-k ids. */
    void run() throws Exception {
        Path dir = Path.of(options.opt("data", ""));
        int n = options.intOpt("count", 100_000);
        int dim = options.intOpt("dim", 1280);
        int nq = options.intOpt("queries", 50);
        int k = options.intOpt("k", 10);
        float[] base = readF32(dir.resolve("faiss-base.f32"), n * dim);
        float[] qs = readF32(dir.resolve("faiss-queries.f32"), nq * dim);
        EmbeddedVectorStore.Precision precision =
                EmbeddedVectorStore.Precision.valueOf(options.opt("precision", "float32").toUpperCase(java.util.Locale.ROOT));
        Path data = Files.createTempDirectory("imagesearch-bench-search");
        try (EmbeddedVectorStore store = EmbeddedVectorStore.builder(data).precision(precision).open()) {
            VectorCollection c = store.open(CollectionSpec.builder("bench", dim).metric(Metric.IP).build());
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new VectorRecord(i, Arrays.copyOfRange(base, i * dim, (i + 1) * dim)));
                if (batch.size() == 1000) {
                    c.upsert(batch);
                    batch.clear();
                }
            }
            c.upsert(batch);
            base = null;
            batch = null;
            System.gc();
            double heapAfterLoad = (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()) / 1048576.0;
            List<float[]> queries = new ArrayList<>();
            for (int j = 0; j < nq; j++) {
                queries.add(Arrays.copyOfRange(qs, j * dim, (j + 1) * dim));
            }
            for (int w = 0; w < 5; w++) { // warm-up
                c.search(queries.get(w % nq), k);
            }
            c.searchBatch(queries, k);
            double[] single = new double[nq];
            List<List<ScoredId>> singles = new ArrayList<>();
            for (int j = 0; j < nq; j++) {
                long t0 = System.nanoTime();
                singles.add(c.search(queries.get(j), k));
                single[j] = (System.nanoTime() - t0) / 1e6;
            }
            long t0 = System.nanoTime();
            List<List<ScoredId>> batched = c.searchBatch(queries, k);
            double perQuery = (System.nanoTime() - t0) / 1e6 / nq;
            Path expected = dir.resolve("faiss-top" + k + ".i64");
            double recall = Files.exists(expected) ? recall(expected, singles, k) : -1;
            double batchRecall = Files.exists(expected) ? recall(expected, batched, k) : -1;
            Arrays.sort(single);
            PipelineBench.emit("java-search", "n", n, "dim", dim, "kernel", kernelName(c), "precision", precision.name(),
                    "single_median_ms",
                    single[nq / 2], "single_min_ms", single[0], "single_max_ms", single[nq - 1],
                    "batch_per_query_ms", perQuery, "recall_vs_faiss", recall, "batch_recall_vs_faiss", batchRecall,
                    "heap_after_load_mb", heapAfterLoad,
                    "vectors_mb", (double) n * dim * (precision == EmbeddedVectorStore.Precision.FLOAT16 ? 2 : 4)
                            / 1048576.0);
        } finally {
            PipelineBench.deleteTree(data);
        }
    }

    private static String kernelName(VectorCollection c) {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && Boolean.parseBoolean(System.getProperty("imagesearch.simd", "true")) ? "vector-api" : "scalar";
    }

    private static double recall(Path expected, List<List<ScoredId>> got, int k) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(expected)).order(ByteOrder.LITTLE_ENDIAN);
        int hit = 0;
        int total = 0;
        for (List<ScoredId> hits : got) {
            Set<Long> mine = new java.util.HashSet<>();
            hits.forEach(h -> mine.add(h.id()));
            for (int i = 0; i < k; i++) {
                if (mine.contains(b.getLong())) {
                    hit++;
                }
                total++;
            }
        }
        return (double) hit / total;
    }

    private static float[] readF32(Path file, int count) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read fully
            }
            b.flip();
            float[] out = new float[count];
            b.asFloatBuffer().get(out);
            return out;
        }
    }
}
