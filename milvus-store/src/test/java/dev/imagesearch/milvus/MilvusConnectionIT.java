package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagesearch.store.CollectionSpec;
import dev.imagesearch.store.Metric;
import dev.imagesearch.store.VectorCollection;
import dev.imagesearch.store.VectorRecord;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** A vector store and an id map on one {@link MilvusConnection}, against a real server. */
class MilvusConnectionIT {

    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

    @Test
    void storeAndIdMapShareOneConnectionThatTheLastHolderCloses() {
        MilvusConfig config = MilvusConfig.parse(MilvusViaUri.uri());
        CollectionSpec spec = new CollectionSpec("conn_" + RUN, 2, Metric.COSINE, "fp-" + RUN);
        MilvusConnection milvus = MilvusConnection.connect(config);
        MilvusVectorStore store = MilvusVectorStore.on(milvus);
        MilvusIdMapper ids = MilvusIdMapper.open(milvus, "conn_" + RUN);
        milvus.close(); // the caller's reference: store and id map still hold theirs
        assertThat(milvus.isOpen()).isTrue();
        try {
            VectorCollection c = store.open(spec);
            c.upsert(List.of(new VectorRecord(7L, new float[] {1f, 0f})));
            ids.put("a.jpg", 7L, "h7");
            store.close(); // closing the store first leaves the id map working
            assertThat(milvus.isOpen()).isTrue();
            assertThat(ids.lookup("a.jpg")).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(7L));
            assertThatThrownBy(() -> c.count()).isInstanceOf(IllegalStateException.class);
        } finally {
            try (MilvusVectorStore cleanup = MilvusVectorStore.connect(config)) {
                cleanup.drop(spec);
                cleanup.dropCollection(ids.collectionName());
            }
            ids.close();
        }
        assertThat(milvus.isOpen()).isFalse();
        assertThatThrownBy(() -> MilvusVectorStore.on(milvus)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
