package dev.imagesearch.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagesearch.backend.Backends;
import dev.imagesearch.contract.VectorStoreContract;
import dev.imagesearch.store.VectorStore;
import java.util.concurrent.ThreadLocalRandom;

/** The shared {@link VectorStoreContract} against Milvus opened by URI through {@link Backends}. */
class MilvusVectorStoreViaUriContractIT extends VectorStoreContract {

    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

    @Override
    protected VectorStore newStore() {
        VectorStore store = Backends.vectorStore(MilvusViaUri.uri() + "?index=FLAT&retries=1&retryBackoff=100");
        assertThat(store).isInstanceOf(MilvusVectorStore.class);
        return store;
    }

    @Override
    protected VectorStore reopenStore() {
        return newStore();
    }

    @Override
    protected String collectionName(String base) {
        return base + "_u" + RUN;
    }
}
