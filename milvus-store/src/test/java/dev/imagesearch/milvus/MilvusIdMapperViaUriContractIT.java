package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.contract.IdMapperContract;
import dev.imagesearch.idmap.IdMapper;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/** The shared id map contract against a Milvus id map opened by URI through {@link Backends}. */
class MilvusIdMapperViaUriContractIT extends IdMapperContract {

    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private static final AtomicInteger TESTS = new AtomicInteger();

    private String namespace;

    private IdMapper open() {
        // serverFlush: as in MilvusIdMapperContractIT, sealed segments keep the 5000-entry tests fast on Milvus Lite
        IdMapper ids = Backends.idMapper(MilvusViaUri.uri() + "?namespace=" + namespace + "&serverFlush=true");
        assertThat(ids).isInstanceOf(MilvusIdMapper.class);
        return ids;
    }

    @Override
    protected IdMapper newMapper() {
        namespace = "uricontract_" + RUN + "_" + TESTS.incrementAndGet();
        return open();
    }

    @Override
    protected IdMapper reopenMapper() {
        return open();
    }

    @AfterEach
    void dropCollection() {
        if (namespace != null) {
            MilvusConfig config = MilvusConfig.parse(MilvusViaUri.uri());
            try (MilvusVectorStore store = MilvusVectorStore.connect(config)) {
                store.dropCollection(MilvusIdMapper.collectionName(config, namespace));
            }
        }
    }
}
