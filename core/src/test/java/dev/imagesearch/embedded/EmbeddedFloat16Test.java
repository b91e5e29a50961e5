package dev.imagesearch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.embedded.EmbeddedVectorStore.Precision;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Precision#FLOAT16} adds to the contract: rounding, range checks, files shared with FLOAT32. */
class EmbeddedFloat16Test {

    private static final CollectionSpec IP = CollectionSpec.builder("ip", 3).metric(Metric.IP).build();
    private static final CollectionSpec COS = CollectionSpec.builder("cos", 64).metric(Metric.COSINE).build();

    @TempDir
    Path dir;

    private EmbeddedVectorStore open(Precision p) {
        return EmbeddedVectorStore.builder(dir).precision(p).open();
    }

    private static float[] gaussian(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void valuesBeyondTheHalfRangeAreRefusedNamingTheIdAndNothingOfTheBatchIsStored() {
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(IP);
            List<VectorRecord> batch = List.of(new VectorRecord(1, new float[] {1, 2, 3}),
                    new VectorRecord(2, new float[] {1, 70_000, 3}));
            assertThatThrownBy(() -> c.upsert(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Vector for id 2 has an element beyond the float16 range of ±65504 (70000.0); "
                            + "collection 'ip' is held in FLOAT16 precision, use FLOAT32 for such vectors");
            c.flush();
            assertThat(c.count()).isZero();
            // cosine vectors are normalised before they are stored, so any finite magnitude fits
            VectorCollection cos = store.open(CollectionSpec.builder("cos3", 3).metric(Metric.COSINE).build());
            cos.upsert(List.of(new VectorRecord(3, new float[] {1e30f, 0, 0})));
            assertThat(cos.vector(3)).hasValueSatisfying(v -> assertThat(v).containsExactly(1f, 0f, 0f));
        }
    }

    @Test
    void aFloat32CollectionWithValuesBeyondTheHalfRangeFailsToOpenInFloat16AndStaysIntact() throws Exception {
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) {
            VectorCollection c = store.open(IP);
            c.upsert(List.of(new VectorRecord(1, new float[] {1, 2, 3}),
                    new VectorRecord(2, new float[] {1e6f, 0, 0})));
            c.flush();
        }
        byte[] before = Files.readAllBytes(dir.resolve("vectors/ip.vec"));
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            assertThatThrownBy(() -> store.open(IP)).isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("Cannot open collection 'ip'")
                    .hasMessageContaining("id 2").hasMessageContaining("open this collection with precision FLOAT32");
        }
        assertThat(Files.readAllBytes(dir.resolve("vectors/ip.vec"))).isEqualTo(before);
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) {
            assertThat(store.open(IP).vector(2)).hasValueSatisfying(v -> assertThat(v[0]).isEqualTo(1e6f));
        }
    }

    private static float[] rounded(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float16.decode(Float16.encode(v[i]));
        }
        return out;
    }

    @Test
    void theFileKeepsFullPrecisionWhileFloat16HoldsTheRoundedValues() {
        Random rnd = new Random(3);
        List<VectorRecord> records = new ArrayList<>();
        for (long id = 1; id <= 50; id++) {
            records.add(new VectorRecord(id, gaussian(rnd, 64)));
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            store.open(COS).upsert(records);
        }
        List<float[]> full = new ArrayList<>();
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) {
            VectorCollection c = store.open(COS);
            for (VectorRecord r : records) {
                float[] v = c.vector(r.id()).orElseThrow();
                assertThat(v).as("not rounded on disk").isNotEqualTo(rounded(v));
                full.add(v);
            }
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(COS);
            for (int i = 0; i < records.size(); i++) {
                assertThat(c.vector(records.get(i).id()).orElseThrow()).containsExactly(rounded(full.get(i)));
            }
        }
    }

    @Test
    void tinyVectorsThatFloat16WouldFlushAreRefusedAndTinyCosineVectorsAreNormalisedFirst() {
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection ip = store.open(IP);
            assertThatThrownBy(() -> ip.upsert(List.of(new VectorRecord(4, new float[] {1e-5f, 2e-5f, 1e-6f}))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Vector for id 4 has elements too small for float16, which stores "
                            + "magnitudes below 6.1e-05 as 0: rounding would change it by ")
                    .hasMessageEndingWith("% of its norm; collection 'ip' is held in FLOAT16 precision, use FLOAT32 "
                            + "for such vectors");
            assertThat(ip.count()).isZero();
            // 1 % of the norm may go: a tiny element beside large ones is fine
            ip.upsert(List.of(new VectorRecord(5, new float[] {1, 1e-6f, 0})));
            assertThat(ip.vector(5)).hasValueSatisfying(v -> assertThat(v).containsExactly(1f, 0f, 0f));
            VectorCollection cos = store.open(CollectionSpec.builder("cos3", 3).metric(Metric.COSINE).build());
            cos.upsert(List.of(new VectorRecord(6, new float[] {1e-40f, 0, 0}))); // a subnormal float
            assertThat(cos.vector(6)).hasValueSatisfying(v -> assertThat(v).containsExactly(1f, 0f, 0f));
        }
    }

    @Test
    void cosineScoresStayWithinMinusOneAndOne() {
        Random rnd = new Random(8);
        List<VectorRecord> records = new ArrayList<>();
        for (long id = 1; id <= 300; id++) {
            records.add(new VectorRecord(id, gaussian(rnd, 1280)));
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(CollectionSpec.builder("unit", 1280).metric(Metric.COSINE).build());
            c.upsert(records);
            int above = 0;
            for (VectorRecord r : records) {
                ScoredId top = c.search(r.vector(), 1).get(0);
                assertThat(top.id()).isEqualTo(r.id());
                assertThat(top.score()).isBetween(1f - 5e-4f, 1f);
                float[] negated = r.vector().clone();
                for (int i = 0; i < negated.length; i++) {
                    negated[i] = -negated[i];
                }
                List<ScoredId> all = c.search(negated, 300);
                assertThat(all.get(all.size() - 1).score()).isBetween(-1f, -1f + 5e-4f);
                above += c.vector(r.id()).map(v -> dot(v, v) > 1 ? 1 : 0).orElseThrow();
            }
            assertThat(above).as("rounded unit vectors whose own score would exceed 1 unclamped").isPositive();
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void l2DistancesAreThoseToTheRoundedVectors() {
        Random rnd = new Random(9);
        CollectionSpec spec = CollectionSpec.builder("l2", 37).metric(Metric.L2).build();
        List<VectorRecord> records = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            records.add(new VectorRecord(id, gaussian(rnd, 37)));
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(spec);
            c.upsert(records);
            float[] q = gaussian(rnd, 37);
            List<ScoredId> hits = c.search(q, 40);
            assertThat(hits).hasSize(40);
            for (ScoredId h : hits) {
                float[] v = rounded(records.get((int) h.id() - 1).vector());
                double expected = 0;
                for (int i = 0; i < 37; i++) {
                    expected += (q[i] - (double) v[i]) * (q[i] - (double) v[i]);
                }
                assertThat((double) h.score()).as("id %d", h.id()).isCloseTo(expected, within(1e-4 * expected));
            }
        }
    }

    @Test
    void scoresAreWithinTheRoundingOfFloat32ScoresAndPlantedNeighboursAreFound() {
        int dim = 1280;
        Random rnd = new Random(11);
        List<VectorRecord> records = new ArrayList<>();
        for (long id = 1; id <= 2_000; id++) {
            records.add(new VectorRecord(id, gaussian(rnd, dim)));
        }
        CollectionSpec spec = CollectionSpec.builder("big", dim).metric(Metric.COSINE).build();
        Path halfDir = dir.resolve("half");
        Path fullDir = dir.resolve("full");
        try (EmbeddedVectorStore half = EmbeddedVectorStore.builder(halfDir).precision(Precision.FLOAT16).open();
             EmbeddedVectorStore full = EmbeddedVectorStore.open(fullDir)) {
            VectorCollection h = half.open(spec);
            VectorCollection f = full.open(spec);
            h.upsert(records);
            f.upsert(records);
            for (int i = 0; i < 20; i++) {
                VectorRecord target = records.get(rnd.nextInt(records.size()));
                float[] q = target.vector().clone();
                for (int j = 0; j < dim; j++) {
                    q[j] += (float) rnd.nextGaussian(); // cosine ~0.7 to the target, ~0 to the others
                }
                List<ScoredId> hh = h.search(q, 10);
                List<ScoredId> ff = f.search(q, 10);
                assertThat(hh.get(0).id()).isEqualTo(target.id());
                assertThat(ff.get(0).id()).isEqualTo(target.id());
                assertThat(hh.get(0).score()).isCloseTo(ff.get(0).score(), within(5e-4f));
            }
        }
    }

    @Test
    void compactionInFloat16CopiesTheFullPrecisionRecords() throws Exception {
        CollectionSpec spec = CollectionSpec.builder("c", 3).metric(Metric.IP).build();
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) { // an index made in FLOAT32 ...
            store.open(spec).upsert(List.of(new VectorRecord(500, new float[] {0.1f, 0.2f, 0.3f})));
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) { // ... then maintained in FLOAT16
            VectorCollection c = store.open(spec);
            for (int round = 0; round < 50; round++) { // 5,000 records for 100 ids: compaction runs
                List<VectorRecord> batch = new ArrayList<>();
                for (long id = 1; id <= 100; id++) {
                    batch.add(new VectorRecord(id, new float[] {id / 3f, round + 0.1f, -0.3f}));
                }
                c.upsert(batch);
                c.flush();
            }
            c.delete(List.of(7L));
            c.flush();
            assertThat(c.vector(1)).hasValue(rounded(new float[] {1 / 3f, 49.1f, -0.3f}));
        }
        assertThat(Files.size(dir.resolve("vectors/c.vec"))).as("compacted")
                .isLessThan(5000L * (4 + 1 + 8 + 12 + 4) / 4);
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) {
            VectorCollection c = store.open(spec);
            assertThat(c.count()).isEqualTo(100);
            for (long id = 1; id <= 100; id++) {
                if (id != 7) {
                    assertThat(c.vector(id)).as("id %d", id).hasValue(new float[] {id / 3f, 49.1f, -0.3f});
                }
            }
            assertThat(c.vector(7)).isEmpty();
            assertThat(c.vector(500)).hasValue(new float[] {0.1f, 0.2f, 0.3f});
            // and the compacted file is an ordinary log: it takes writes and reopens
            c.upsert(List.of(new VectorRecord(7, new float[] {1, 2, 3})));
            c.flush();
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            assertThat(store.open(spec).count()).isEqualTo(101);
        }
    }
}
