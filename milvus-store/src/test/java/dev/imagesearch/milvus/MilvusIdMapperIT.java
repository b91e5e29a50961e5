package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.ImageSearch;
import dev.imagesearch.IndexReport;
import dev.imagesearch.search.Match;
import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.testing.PixelEmbedder;
import dev.imagesearch.testing.TestImages;
import dev.imagesearch.testing.TestResources;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AlterCollectionPropertiesReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deployment with Milvus only (vectors and id map, no Redis, no local index files), and the refusal of
 * collections that are not an id map. Runs against {@code IMAGESEARCH_MILVUS_URI}.
 */
class MilvusIdMapperIT {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusIdMapperIT.class);
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private static final int DISTINCT = 12;

    @TempDir
    Path tmp;

    private MilvusConfig config;

    @BeforeEach
    void config() {
        config = MilvusConfig.parse(TestResources.setting("IMAGESEARCH_MILVUS_URI")).toBuilder()
                .collectionPrefix("it_" + RUN + "_").build();
    }

    private ImageSearch milvusOnly(MilvusVectorStore store) {
        return ImageSearch.builder()
                .embedder(PixelEmbedder.builder().name("milvus-only").grid(4).build())
                .vectorStore(store)
                .idMapper(MilvusIdMapper.open(store, "photos"))
                .dataDirectory(tmp.resolve("unused-data"))
                .batchSize(4)
                .build();
    }

    @Test
    void imageSearchWithVectorsAndIdMapInMilvus() throws Exception {
        Path images = tmp.resolve("images");
        for (int i = 0; i < DISTINCT; i++) {
            TestImages.write(images.resolve(String.format("img%03d.png", i)), TestImages.png(i, 64));
        }
        TestImages.write(images.resolve("copy/img005.png"), TestImages.png(5, 64));
        String collection;
        try (MilvusVectorStore store = MilvusVectorStore.connect(config);
             ImageSearch search = milvusOnly(store)) {
            collection = search.collection() instanceof MilvusCollection c ? c.milvusName() : null;
            long t0 = System.nanoTime();
            IndexReport first = search.indexDirectory(images);
            LOG.info("indexed {} files into Milvus (vectors + id map) in {} ms", first.total(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(first.failures()).isEmpty();
            assertThat(first.indexed()).isEqualTo(DISTINCT + 1);
            assertThat(search.count()).isEqualTo(DISTINCT);
            assertThat(search.collection().count()).isEqualTo(DISTINCT);

            t0 = System.nanoTime();
            IndexReport again = search.indexDirectory(images);
            LOG.info("re-indexed {} unchanged files in {} ms", again.total(), (System.nanoTime() - t0) / 1_000_000);
            assertThat(again.unchanged()).isEqualTo(DISTINCT + 1);
            assertThat(again.embedded()).isZero();

            Path query = images.resolve("img003.png");
            List<Match> hits = search.similar(query, 3);
            assertThat(hits.get(0).location()).isEqualTo(ImageSearch.locationOf(query));
            assertThat(hits.get(0).score()).isGreaterThan(0.999f);
            List<Match> copies = search.similar(images.resolve("copy/img005.png"), 1);
            // Files are indexed in path order: the copy came first, so it is the oldest location.
            assertThat(copies.get(0).locations()).containsExactly(
                    ImageSearch.locationOf(images.resolve("copy/img005.png")),
                    ImageSearch.locationOf(images.resolve("img005.png")));

            assertThat(search.remove(images.resolve("img007.png"))).isTrue();
            assertThat(search.remove(images.resolve("img005.png"))).isTrue(); // its copy keeps the vector
            assertThat(search.remove(images.resolve("img007.png"))).isFalse();
            assertThat(search.count()).isEqualTo(DISTINCT - 1);
            assertThat(search.collection().count()).isEqualTo(DISTINCT - 1);
            assertThat(search.verify().consistent()).isTrue();
        }
        assertThat(tmp.resolve("unused-data")).as("no local index files").doesNotExist();

        // Everything is in Milvus: a new process (new connection) sees the same index.
        try (MilvusVectorStore store = MilvusVectorStore.connect(config);
             ImageSearch search = milvusOnly(store)) {
            assertThat(search.count()).isEqualTo(DISTINCT - 1);
            assertThat(search.similar(images.resolve("copy/img005.png"), 1).get(0).locations())
                    .containsExactly(ImageSearch.locationOf(images.resolve("copy/img005.png")));
            assertThat(search.verify().consistent()).isTrue();
            store.dropCollection(MilvusIdMapper.collectionName(config, "photos"));
            if (collection != null) {
                store.dropCollection(collection);
            }
        }
    }

    @Test
    void collectionsThatAreNotAnIdMapAreRefusedAndLeftAlone() {
        String uri = config.uri();
        MilvusClientV2 raw = new MilvusClientV2(ConnectConfig.builder().uri(uri).build());
        try (MilvusVectorStore store = MilvusVectorStore.connect(config)) {
            // 1. made by another tool
            String foreign = MilvusIdMapper.collectionName(config, "foreign");
            raw.createCollection(CreateCollectionReq.builder().collectionName(foreign).dimension(8)
                    .metricType(IndexParam.MetricType.L2.name()).build());
            assertThatThrownBy(() -> MilvusIdMapper.open(config, "foreign"))
                    .isInstanceOf(MilvusIdMapException.class)
                    .hasMessageContaining(foreign).hasMessageContaining(uri)
                    .hasMessageContaining("is not an imagesearch id map")
                    .hasMessageContaining("nothing was written");
            DescribeCollectionResp after = raw.describeCollection(DescribeCollectionReq.builder()
                    .collectionName(foreign).build());
            assertThat(after.getProperties()).doesNotContainKey(MilvusIdMapper.PROP_KIND);
            assertThat(after.getFieldNames()).doesNotContain(MilvusIdMapper.SEQ_FIELD);
            QueryResp rows = raw.query(QueryReq.builder().collectionName(foreign).filter("")
                    .outputFields(List.of("count(*)")).consistencyLevel(ConsistencyLevel.STRONG).build());
            assertThat(((Number) rows.getQueryResults().get(0).getEntity().get("count(*)")).longValue())
                    .as("rows in the foreign collection").isZero();

            // 2. the vectors of a model that happen to have that name
            String vectors = MilvusIdMapper.collectionName(config, "vectors");
            store.open(CollectionSpec.builder("some-model", 4).fingerprint("fp").build(), vectors);
            assertThatThrownBy(() -> MilvusIdMapper.open(store, "vectors"))
                    .isInstanceOf(MilvusIdMapException.class).hasMessageContaining(vectors)
                    .hasMessageContaining("vectors of model 'some-model'");

            // 3. an id map of a future format
            String future = MilvusIdMapper.collectionName(config, "future");
            MilvusIdMapper.open(config, "future").close();
            raw.alterCollectionProperties(AlterCollectionPropertiesReq.builder().collectionName(future)
                    .property(MilvusIdMapper.PROP_FORMAT, "2").build());
            assertThatThrownBy(() -> MilvusIdMapper.fromUri(uri + "?prefix=" + config.collectionPrefix()
                    + "&namespace=future", null))
                    .isInstanceOf(MilvusIdMapException.class).hasMessageContaining(future)
                    .hasMessageContaining("format version is '2'");

            for (String name : List.of(foreign, vectors, future)) {
                assertThat(store.dropCollection(name)).as(name).isTrue();
            }
            assertThat(raw.hasCollection(HasCollectionReq.builder().collectionName(foreign).build())).isFalse();
        } finally {
            raw.close();
        }
    }

    @Test
    void anUnreachableServerFailsWithOneClearMessage() {
        MilvusConfig down = MilvusConfig.parse("milvus://127.0.0.1:1?connectTimeout=1&retries=0");
        assertThatThrownBy(() -> MilvusIdMapper.open(down, "x"))
                .isInstanceOf(MilvusIdMapException.class).hasMessageContaining("127.0.0.1:1");
    }
}
