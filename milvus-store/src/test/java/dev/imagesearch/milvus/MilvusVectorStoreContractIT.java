package dev.imagesearch.milvus;

import dev.imagesearch.contract.VectorStoreContract;
import dev.imagesearch.store.VectorStore;
import dev.imagesearch.testing.TestResources;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shared {@link VectorStoreContract} against a real Milvus server (Milvus Lite in CI:
 * {@code scripts/milvus/start.sh} sets {@code IMAGESEARCH_MILVUS_URI}).
 */
class MilvusVectorStoreContractIT extends VectorStoreContract {

    /** Collections of this run get this suffix, so runs against a shared server don't meet. */
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

    @Override
    protected VectorStore newStore() {
        return MilvusVectorStore.fromUri(TestResources.setting("IMAGESEARCH_MILVUS_URI"));
    }

    @Override
    protected VectorStore reopenStore() {
        return newStore();
    }

    @Override
    protected String collectionName(String base) {
        return base + "_" + RUN;
    }
}
