package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.embedded.EmbeddedVectorStore;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.testing.TestResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store and Milvus (exact FLAT index) rank the same vectors the same way with the same scores. */
class EmbeddedAndMilvusAgreeIT {

    @TempDir
    Path tmp;

    @Test
    void sameTopResultsForTheSameVectors() {
        String uri = TestResources.setting("IMAGESEARCH_MILVUS_URI");
        int dim = 64;
        CollectionSpec spec = CollectionSpec.builder("agree_" + Long.toString(
                ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36), dim).metric(Metric.COSINE).build();
        Random r = new Random(11);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) r.nextGaussian();
            }
            records.add(new VectorRecord(1_000L + i * 7919L, v));
        }
        MilvusConfig flat = MilvusConfig.parse(uri).toBuilder().indexType(MilvusConfig.IndexType.FLAT).build();
        try (EmbeddedVectorStore embedded = EmbeddedVectorStore.open(tmp);
             MilvusVectorStore milvus = MilvusVectorStore.connect(flat)) {
            VectorCollection e = embedded.open(spec);
            MilvusCollection m = milvus.open(spec);
            e.upsert(records);
            e.flush();
            m.upsert(records);
            List<float[]> queries = new ArrayList<>();
            for (int q = 0; q < 25; q++) {
                float[] base = records.get(r.nextInt(records.size())).vector().clone();
                for (int j = 0; j < dim; j++) {
                    base[j] += (float) (0.5 * r.nextGaussian()); // near a stored vector, not on it
                }
                queries.add(base);
            }
            List<List<ScoredId>> fromMilvus = m.searchBatch(queries, 10);
            for (int q = 0; q < queries.size(); q++) {
                List<ScoredId> fromEmbedded = e.search(queries.get(q), 10);
                assertThat(fromMilvus.get(q)).extracting(ScoredId::id).as("query %d", q)
                        .isEqualTo(fromEmbedded.stream().map(ScoredId::id).toList());
                for (int k = 0; k < 10; k++) {
                    assertThat(fromMilvus.get(q).get(k).score()).isCloseTo(fromEmbedded.get(k).score(),
                            within(1e-4f));
                }
            }
            milvus.dropCollection(m.milvusName());
        }
    }
}
