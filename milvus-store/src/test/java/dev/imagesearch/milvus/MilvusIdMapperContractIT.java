package dev.imagesearch.milvus;

import dev.imagesearch.contract.IdMapperContract;
import dev.imagesearch.idmap.IdMapper;
import dev.imagesearch.testing.TestResources;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared id map contract against a real Milvus server ({@code IMAGESEARCH_MILVUS_URI}; Milvus Lite in CI):
 * a fresh namespace per test, its collection dropped afterwards.
 */
class MilvusIdMapperContractIT extends IdMapperContract {

    /** Namespaces of this run get this suffix, so runs against a shared server don't meet. */
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private static final AtomicInteger TESTS = new AtomicInteger();

    private MilvusConfig config;
    private String namespace;

    @Override
    protected IdMapper newMapper() {
        // serverFlush: the contract flushes before its bulk reads; sealed segments let Milvus Lite answer id
        // queries from the index instead of scanning every row in Python (minutes for the 5000-entry tests).
        config = MilvusConfig.parse(TestResources.setting("IMAGESEARCH_MILVUS_URI")).toBuilder()
                .serverFlush(true).build();
        namespace = "contract_" + RUN + "_" + TESTS.incrementAndGet();
        return MilvusIdMapper.open(config, namespace);
    }

    @Override
    protected IdMapper reopenMapper() {
        return MilvusIdMapper.open(config, namespace);
    }

    @AfterEach
    void dropCollection() {
        if (config != null) {
            try (MilvusVectorStore store = MilvusVectorStore.connect(config)) {
                store.dropCollection(MilvusIdMapper.collectionName(config, namespace));
            }
        }
    }
}
