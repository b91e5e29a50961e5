package dev.imagesearch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DotKernelTest {

    @TempDir
    Path dir;

    private static float[][] random(Random rnd, int n, int dim) {
        float[][] a = new float[n][dim];
        for (float[] row : a) {
            for (int i = 0; i < dim; i++) {
                row[i] = (float) rnd.nextGaussian();
            }
        }
        return a;
    }

    private static float[] flat(float[][] rows) {
        int dim = rows[0].length;
        float[] out = new float[rows.length * dim];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * dim, dim);
        }
        return out;
    }

    private static double exact(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static List<DotKernel> kernels() {
        return List.of(DotKernel.scalar(), DotKernel.best());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 15, 16, 17, 64, 100, 1280, 2049})
    void bothKernelsMatchExactDotProductsForAnyDimension(int dim) {
        Random rnd = new Random(dim);
        float[][] rows = random(rnd, 11, dim);
        float[][] queries = random(rnd, 7, dim); // 7: one block of 4 plus a remainder of 3
        float[] matrix = flat(rows);
        for (DotKernel kernel : kernels()) {
            float[] single = new float[10];
            kernel.dots(matrix, dim, 1, 11, queries[0], single);
            float[][] batch = new float[7][10];
            kernel.dotsBatch(matrix, dim, 1, 11, queries, 0, 7, batch);
            for (int r = 1; r < 11; r++) {
                double tol = 1e-4 * Math.sqrt(dim) * 4;
                assertThat((double) single[r - 1]).as(kernel.name()).isCloseTo(exact(queries[0], rows[r]), within(tol));
                for (int j = 0; j < 7; j++) {
                    assertThat((double) batch[j][r - 1]).as(kernel.name() + " query " + j + " row " + r)
                            .isCloseTo(exact(queries[j], rows[r]), within(tol));
                }
            }
        }
    }

    private static short[] halves(float[][] rows) {
        float[] f = flat(rows);
        short[] out = new short[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float16.encode(f[i]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 15, 16, 17, 64, 100, 1280, 2049})
    void bothKernelsDecodeHalvesExactlyAndScoreThemForAnyDimension(int dim) {
        Random rnd = new Random(100 + dim);
        float[][] rows = random(rnd, 11, dim);
        short[] h = halves(rows);
        float[] q = random(rnd, 1, dim)[0];
        for (DotKernel kernel : kernels()) {
            float[] decoded = new float[h.length + 3];
            kernel.decodeHalf(h, 5, decoded, 3, h.length - 5); // unaligned offsets on both sides
            for (int i = 5; i < h.length; i++) {
                assertThat(decoded[i - 2]).as(kernel.name() + " element " + i).isEqualTo(Float16.decode(h[i]));
            }
            float[] out = new float[10];
            kernel.dotsHalf(h, dim, 1, 11, q, out);
            for (int r = 1; r < 11; r++) {
                double expected = 0;
                double magnitude = 0;
                for (int i = 0; i < dim; i++) {
                    double term = (double) q[i] * Float16.decodeScaled(h[r * dim + i]);
                    expected += term;
                    magnitude += Math.abs(term);
                }
                assertThat((double) out[r - 1]).as(kernel.name() + " row " + r)
                        .isCloseTo(expected, within(magnitude * 1e-5 + Double.MIN_NORMAL));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 1e-40f, 1e-30f, 1e-3f, 1f, 3e4f, 1e25f, 1e33f})
    void halfRowsScoreQueriesOfAnyMagnitudeAsTheRoundedVectorsInDouble(float scale) {
        // 1e-40: the query's largest element is a subnormal float; 1e33: scores near the top of the float range
        int dim = 1280;
        Random rnd = new Random(7);
        float[][] rows = random(rnd, 20, dim);
        HalfRows half = new HalfRows(dim);
        half.resize(20);
        for (int r = 0; r < 20; r++) {
            half.set(r, rows[r]);
            for (int i = 0; i < dim; i++) {
                assertThat(half.get(r)[i]).isEqualTo(Float16.decode(Float16.encode(rows[r][i])));
            }
        }
        float[] q = random(rnd, 1, dim)[0];
        for (int i = 0; i < dim; i++) {
            q[i] *= scale;
        }
        for (DotKernel kernel : kernels()) {
            float[] got = new float[20];
            half.dotScorer(kernel, q).score(0, 20, got);
            float[][] batch = new float[1][20];
            half.batchScorer(kernel, 20).dots(0, 20, new float[][] {q}, 1, batch);
            for (int r = 0; r < 20; r++) {
                double expected = 0;
                double magnitude = 0;
                float[] v = half.get(r);
                for (int i = 0; i < dim; i++) {
                    expected += (double) q[i] * v[i];
                    magnitude += Math.abs((double) q[i] * v[i]);
                }
                double tol = magnitude * 1e-5 + 4 * Float.MIN_VALUE;
                assertThat((double) got[r]).as(kernel.name() + " row " + r).isCloseTo(expected, within(tol));
                if (scale >= 1e-30f) { // the float kernel's products of a subnormal query lose bits
                    assertThat((double) batch[0][r]).as(kernel.name() + " batch row " + r)
                            .isCloseTo(expected, within(tol));
                }
            }
        }
    }

    @Test
    void theVectorApiKernelIsUsedWhenTheModuleIsPresentAndNotSwitchedOff() {
        // core's surefire runs the tests once with --add-modules jdk.incubator.vector and once with
        // -Dimagesearch.simd=false (core/pom.xml): each run checks that it got the kernel it asked for
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean allowed = Boolean.parseBoolean(System.getProperty("imagesearch.simd", "true"));
        if (module && allowed) {
            assertThat(DotKernel.best().name()).startsWith("vector-api-");
        } else {
            assertThat(DotKernel.best().name()).isEqualTo("scalar");
        }
        assertThat(DotKernel.scalar().name()).isEqualTo("scalar");
    }

    @Test
    void withOnly64BitVectorsTheVectorKernelStaysAndScoresHalvesWithScalarCode() throws Exception {
        // no vector shape has half of 64 bits, so the half-precision methods fall back (and the float ones stay)
        try (ChildJvm child = ChildJvm.start(List.of("--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=8"),
                KernelProbe.class)) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).as("output %s", child.lines()).isZero();
            assertThat(child.lines()).contains("kernel vector-api-64", "HALVES OK");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"COSINE:37", "IP:37", "L2:37", "COSINE:1280", "IP:1280",
        "COSINE:37:FLOAT16", "L2:37:FLOAT16", "COSINE:1280:FLOAT16", "IP:1280:FLOAT16"})
    void batchSearchEqualsSingleSearches(String metricAndDim) throws Exception {
        // 1280 (a real model's dimension) runs the kernels' unrolled main loops, 37 their tails
        String[] parts = metricAndDim.split(":");
        String metric = parts[0];
        int dim = Integer.parseInt(parts[1]);
        EmbeddedVectorStore.Precision precision = parts.length > 2 ? EmbeddedVectorStore.Precision.valueOf(parts[2])
                : EmbeddedVectorStore.Precision.FLOAT32;
        Random rnd = new Random(5);
        try (EmbeddedVectorStore store = EmbeddedVectorStore.builder(dir).precision(precision).open()) {
            VectorCollection c = store.open(CollectionSpec.builder("m", dim).metric(Metric.parse(metric)).build());
            float[][] data = random(rnd, 700, dim); // more than one batch tile, with a partial last tile
            List<VectorRecord> records = new ArrayList<>();
            for (int i = 0; i < data.length; i++) {
                records.add(new VectorRecord(1000 + i, data[i]));
            }
            c.upsert(records);
            List<float[]> queries = List.of(random(rnd, 9, dim));
            List<List<ScoredId>> batch = c.searchBatch(queries, 10);
            assertThat(batch).hasSize(9);
            for (int j = 0; j < queries.size(); j++) {
                List<ScoredId> single = c.search(queries.get(j), 10);
                assertThat(batch.get(j)).hasSize(10);
                for (int i = 0; i < 10; i++) {
                    assertThat(batch.get(j).get(i).id()).isEqualTo(single.get(i).id());
                    assertThat(batch.get(j).get(i).score()).isCloseTo(single.get(i).score(), within(1e-4f));
                }
            }
            assertThat(c.searchBatch(List.of(), 3)).isEmpty();
            assertThat(c.searchBatch(queries, 0)).allSatisfy(r -> assertThat(r).isEmpty());
        }
    }
}
