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
            }
        }
        // the clamp matters: unclamped, the kernel scores some rounded unit vectors above 1 against themselves
        HalfRows rows = new HalfRows(1280);
        rows.resize(records.size());
        float[] raw = new float[records.size()];
        int above = 0;
        for (int r = 0; r < records.size(); r++) {
            rows.set(r, unit(records.get(r).vector()));
        }
        for (int r = 0; r < records.size(); r++) {
            rows.dotScorer(DotKernel.best(), unit(records.get(r).vector())).score(0, records.size(), raw);
            above += raw[r] > 1f ? 1 : 0;
        }
        assertThat(above).as("unclamped self-scores above 1").isPositive();
    }

    private static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(sum));
        }
        return out;
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

    /**
     * Rounds of 100 overwrites (ids 1..100), the last with a repeated id, a delete and a re-upsert. From a fresh
     * file, 42 rounds make the last flush the first with more than 4,096 dead records, so it compacts.
     */
    private static void churn(VectorCollection c, int rounds, float offset) {
        for (int round = 0; round < rounds; round++) {
            List<VectorRecord> batch = new ArrayList<>();
            for (long id = 1; id <= 100; id++) {
                batch.add(new VectorRecord(id, new float[] {id / 3f, round + offset, -0.3f}));
            }
            if (round == rounds - 1) { // the compacting flush also sees a delete, a re-upsert and a repeated id
                batch.add(new VectorRecord(9, new float[] {9 / 7f, 0.7f, 0.1f}));
                c.upsert(batch);
                c.delete(List.of(7L, 8L));
                c.upsert(List.of(new VectorRecord(8, new float[] {8 / 7f, 0.7f, 0.1f})));
            } else {
                c.upsert(batch);
            }
            c.flush();
        }
    }

    private static void assertChurned(VectorCollection c, float last) {
        assertThat(c.count()).isEqualTo(100); // 1..100 without 7, plus 500
        for (long id = 1; id <= 100; id++) {
            float[] want = id == 8 ? new float[] {8 / 7f, 0.7f, 0.1f} : id == 9 ? new float[] {9 / 7f, 0.7f, 0.1f}
                    : new float[] {id / 3f, last, -0.3f};
            if (id == 7) {
                assertThat(c.vector(id)).isEmpty();
            } else {
                assertThat(c.vector(id)).as("id %d", id).hasValue(want);
            }
        }
        assertThat(c.vector(500)).hasValue(new float[] {0.1f, 0.2f, 0.3f});
    }

    @Test
    void compactionInFloat16CopiesTheFullPrecisionRecords() throws Exception {
        CollectionSpec spec = CollectionSpec.builder("c", 3).metric(Metric.IP).build();
        long record = 4 + 1 + 8 + 12 + 4;
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) { // an index made in FLOAT32 ...
            store.open(spec).upsert(List.of(new VectorRecord(500, new float[] {0.1f, 0.2f, 0.3f})));
        }
        long header = Files.size(dir.resolve("vectors/c.vec")) - record;
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) { // ... then maintained in FLOAT16
            VectorCollection c = store.open(spec);
            churn(c, 42, 0.1f);
            // compacted by the last flush: one record per live id, none of the 4,200 written before
            assertThat(Files.size(dir.resolve("vectors/c.vec"))).isEqualTo(header + 100 * record);
            assertThat(c.vector(1)).hasValue(rounded(new float[] {1 / 3f, 41.1f, -0.3f}));
            churn(c, 41, 0.2f); // a second compaction, of a file the first one wrote (7 is new again: 41 rounds)
            assertThat(Files.size(dir.resolve("vectors/c.vec"))).isEqualTo(header + 100 * record);
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) {
            VectorCollection c = store.open(spec);
            assertChurned(c, 40.2f);
            c.upsert(List.of(new VectorRecord(7, new float[] {1, 2, 3}))); // an ordinary log: it takes writes
            c.flush();
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            assertThat(store.open(spec).count()).isEqualTo(101);
        }
    }

    @Test
    void aFloat32FileOpensInFloat16WhenItsUnfitVectorsWereDeletedOrOverwritten() {
        try (EmbeddedVectorStore store = open(Precision.FLOAT32)) {
            VectorCollection c = store.open(IP);
            c.upsert(List.of(new VectorRecord(1, new float[] {1e6f, 0, 0}),
                    new VectorRecord(2, new float[] {1e-6f, 0, 0}), new VectorRecord(3, new float[] {1, 2, 3})));
            c.delete(List.of(1L));
            c.upsert(List.of(new VectorRecord(2, new float[] {0.5f, 0, 0})));
        }
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(IP);
            assertThat(c.count()).isEqualTo(2);
            assertThat(c.vector(2)).hasValue(new float[] {0.5f, 0, 0});
            assertThat(c.search(new float[] {0, 0, 1}, 1).get(0).id()).isEqualTo(3);
        }
    }
}
