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
                    .hasMessage("Vector for id 2 has an element beyond the float16 range (|x| <= 65504.0) of this "
                            + "FLOAT16 store");
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

    @Test
    void storedValuesAreRoundedOnceAndReadBackTheSameInEitherPrecision() {
        Random rnd = new Random(3);
        List<VectorRecord> records = new ArrayList<>();
        for (long id = 1; id <= 50; id++) {
            records.add(new VectorRecord(id, gaussian(rnd, 64)));
        }
        List<float[]> stored = new ArrayList<>();
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(COS);
            c.upsert(records);
            c.flush();
            for (VectorRecord r : records) {
                float[] v = c.vector(r.id()).orElseThrow();
                for (float x : v) {
                    assertThat(Float16.decode(Float16.encode(x))).as("a half's value").isEqualTo(x);
                }
                stored.add(v);
            }
        }
        for (Precision p : Precision.values()) {
            try (EmbeddedVectorStore store = open(p)) {
                VectorCollection c = store.open(COS);
                for (int i = 0; i < records.size(); i++) {
                    assertThat(c.vector(records.get(i).id()).orElseThrow()).as(p + " id " + records.get(i).id())
                            .containsExactly(stored.get(i));
                }
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
    void compactionInFloat16KeepsTheStoredValues() {
        CollectionSpec spec = CollectionSpec.builder("c", 3).metric(Metric.IP).build();
        try (EmbeddedVectorStore store = open(Precision.FLOAT16)) {
            VectorCollection c = store.open(spec);
            for (int round = 0; round < 50; round++) { // 5,000 records for 100 ids: compaction runs
                List<VectorRecord> batch = new ArrayList<>();
                for (long id = 1; id <= 100; id++) {
                    batch.add(new VectorRecord(id, new float[] {id / 3f, round + 0.1f, -0.3f}));
                }
                c.upsert(batch);
                c.flush();
            }
        }
        for (Precision p : Precision.values()) {
            try (EmbeddedVectorStore store = open(p)) {
                VectorCollection c = store.open(spec);
                assertThat(c.count()).isEqualTo(100);
                for (long id = 1; id <= 100; id++) {
                    float[] want = {id / 3f, 49.1f, -0.3f};
                    for (int i = 0; i < 3; i++) {
                        want[i] = Float16.decode(Float16.encode(want[i]));
                    }
                    assertThat(c.vector(id).orElseThrow()).as(p + " id " + id).containsExactly(want);
                }
            }
        }
        assertThat(dir.resolve("vectors/c.vec").toFile().length()).isLessThan(5000L * (4 + 1 + 8 + 12 + 4) / 4);
    }
}
