package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagesearch.store.CollectionMismatchException;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.ScoredId;
import dev.imagesearch.store.VectorRecord;
import dev.imagesearch.store.VectorStoreException;
import dev.imagesearch.testing.TestResources;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Milvus-specific behaviour against the shared test server ({@code IMAGESEARCH_MILVUS_URI}). */
class MilvusStoreIT {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusStoreIT.class);
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

    private String uri;
    private MilvusVectorStore store;

    @BeforeEach
    void connect() {
        uri = TestResources.setting("IMAGESEARCH_MILVUS_URI");
        store = MilvusVectorStore.fromUri(uri);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static String name(String base) {
        return base + "_" + RUN;
    }

    private static float[] gaussian(Random r, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void aBatchAboveTheGrpcMessageLimitIsSplitIntoChunks() {
        int dim = 2048;
        int n = 9_000; // 9000 * 2048 * 4 bytes = 73.7 MB of floats alone: one message would exceed 64 MB
        MilvusCollection c = store.open(CollectionSpec.builder(name("chunked_2048"), dim).metric(Metric.COSINE)
                .fingerprint("chunk-test").build());
        assertThat((long) c.rowsPerRequest() * (4L * dim + MilvusCollection.ROW_OVERHEAD_BYTES))
                .isLessThan(64L * 1024 * 1024);
        Random r = new Random(7);
        List<VectorRecord> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(new VectorRecord(i + 1L, gaussian(r, dim)));
        }
        long t0 = System.nanoTime();
        c.upsert(batch);
        c.flush();
        long upsertMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        long count = c.count();
        long countMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("9000 x 2048-d upsert in {} chunks of {}: {} ms; count(*): {} ms",
                (n + c.rowsPerRequest() - 1) / c.rowsPerRequest(), c.rowsPerRequest(), upsertMs, countMs);
        assertThat(count).isEqualTo(n);
        for (int id : new int[] {1, 4_321, 9_000}) {
            long s0 = System.nanoTime();
            List<ScoredId> hits = c.search(batch.get(id - 1).vector(), 3);
            LOG.info("search top-3 among 9000 x 2048-d: {} ms", (System.nanoTime() - s0) / 1_000_000);
            assertThat(hits.get(0).id()).isEqualTo(id);
            assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
        }
        // Not dropped: Milvus Lite 3.2.2 needs over 30 s to drop it and fails when the call is retried.
    }

    @Test
    void aCollectionMadeWithAnotherDimensionOrMetricOrByAnotherToolIsRefused() {
        String foreign = name("foreign");
        MilvusClientV2 raw = new MilvusClientV2(ConnectConfig.builder().uri(uri).build());
        try {
            raw.createCollection(CreateCollectionReq.builder().collectionName(foreign).dimension(8)
                    .metricType(IndexParam.MetricType.L2.name()).build());
        } finally {
            raw.close();
        }
        assertThatThrownBy(() -> store.open(CollectionSpec.builder("x", 16).metric(Metric.L2).build(), foreign))
                .isInstanceOf(CollectionMismatchException.class).hasMessageContaining("8").hasMessageContaining("16");
        assertThatThrownBy(() -> store.open(CollectionSpec.builder("x", 8).metric(Metric.IP).build(), foreign))
                .isInstanceOf(CollectionMismatchException.class).hasMessageContaining("L2")
                .hasMessageContaining("IP");
        assertThatThrownBy(() -> store.open(CollectionSpec.builder("x", 8).metric(Metric.L2).build(), foreign))
                .isInstanceOf(CollectionMismatchException.class).hasMessageContaining("not made by imagesearch");
        assertThat(store.dropCollection(foreign)).isTrue();
    }

    @Test
    void namesMilvusRefusesAreSanitisedDeterministicallyAndDistinctly() {
        CollectionSpec spec = CollectionSpec.builder("9 Efficient-Net lite0/v1.2 " + RUN, 4).build();
        CollectionSpec similar = CollectionSpec.builder("9 Efficient.Net lite0/v1.2 " + RUN, 4).build();
        MilvusCollection c = store.open(spec);
        assertThat(c.milvusName()).startsWith("_9_Efficient_Net_lite0_v1_2_").matches("[A-Za-z0-9_]+");
        c.upsert(List.of(new VectorRecord(1, new float[] {1, 0, 0, 0})));
        assertThat(store.open(spec).milvusName()).isEqualTo(c.milvusName());
        assertThat(store.open(spec).count()).isEqualTo(1);
        MilvusCollection other = store.open(similar);
        assertThat(other.milvusName()).isNotEqualTo(c.milvusName());
        assertThat(other.count()).isZero();
        assertThatThrownBy(() -> store.open(spec, "bad-name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-name");
        store.dropCollection(c.milvusName());
        store.dropCollection(other.milvusName());
    }

    @Test
    void everyIndexTypeWorks() {
        for (MilvusConfig.IndexType type : MilvusConfig.IndexType.values()) {
            try (MilvusVectorStore s = MilvusVectorStore.connect(MilvusConfig.parse(uri).toBuilder()
                    .indexType(type).build())) {
                MilvusCollection c = s.open(CollectionSpec.builder(name("index_" + type), 3)
                        .metric(Metric.L2).build());
                c.upsert(List.of(new VectorRecord(1, new float[] {1, 0, 0}), new VectorRecord(2,
                        new float[] {0, 3, 0})));
                List<ScoredId> hits = c.search(new float[] {0, 1, 0}, 2);
                // |(0,1,0)-(1,0,0)|^2 = 2 beats |(0,1,0)-(0,3,0)|^2 = 4
                assertThat(hits).as(type.name()).extracting(ScoredId::id).containsExactly(1L, 2L);
                assertThat(hits.get(0).score()).as("squared L2").isCloseTo(2f, within(1e-4f));
                assertThat(hits.get(1).score()).as("squared L2").isCloseTo(4f, within(1e-4f));
                s.dropCollection(c.milvusName());
            }
        }
    }

    @Test
    void searchCanFilterOnLocation() {
        MilvusCollection c = store.open(CollectionSpec.builder(name("filtered"), 2).metric(Metric.IP).build());
        c.upsertRecords(List.of(
                new MilvusRecord(1, new float[] {1, 0}, "/photos/2023/a.jpg", "aa"),
                new MilvusRecord(2, new float[] {2, 0}, "/photos/2024/b.jpg", "bb"),
                new MilvusRecord(3, new float[] {3, 0}, null, null)));
        assertThat(c.search(new float[] {1, 0}, 3)).extracting(ScoredId::id).containsExactly(3L, 2L, 1L);
        assertThat(c.search(new float[] {1, 0}, 3, "location like \"/photos/2023/%\""))
                .extracting(ScoredId::id).containsExactly(1L);
        assertThat(c.searchBatch(List.of(new float[] {1, 0}, new float[] {-1, 0}), 3, "content_hash in [\"aa\", \"bb\"]"))
                .satisfiesExactly(
                        hits -> assertThat(hits).extracting(ScoredId::id).containsExactly(2L, 1L),
                        hits -> assertThat(hits).extracting(ScoredId::id).containsExactly(1L, 2L));
        store.dropCollection(c.milvusName());
    }

    @Test
    void forEachIdPagesThroughMoreIdsThanOnePage() {
        MilvusCollection c = store.open(CollectionSpec.builder(name("paged_ids"), 2).build());
        Random r = new Random(3);
        Set<Long> ids = new HashSet<>();
        List<VectorRecord> batch = new ArrayList<>();
        while (ids.size() < 3_500) {
            long id = r.nextLong();
            if (ids.add(id)) {
                batch.add(new VectorRecord(id, new float[] {r.nextFloat() + 0.1f, r.nextFloat()}));
            }
        }
        c.upsert(batch);
        List<Long> seen = new ArrayList<>();
        c.forEachId(seen::add);
        assertThat(seen).hasSize(3_500).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(ids);
        assertThat(c.delete(new ArrayList<>(ids).subList(0, 1_500))).isEqualTo(1_500);
        assertThat(c.count()).isEqualTo(2_000);
        store.dropCollection(c.milvusName());
    }

    @Test
    void aServerThatIsDownFailsClearlyWithinTheTimeout() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MilvusConfig config = MilvusConfig.builder().uri("http://127.0.0.1:" + port)
                .connectTimeout(Duration.ofSeconds(2)).callTimeout(Duration.ofSeconds(2)).retries(1).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> MilvusVectorStore.connect(config))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("connect");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("connect to a closed port failed after {} ms", ms);
        assertThat(ms).isLessThan(15_000);
    }
}
