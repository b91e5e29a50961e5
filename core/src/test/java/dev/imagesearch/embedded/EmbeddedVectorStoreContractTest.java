package dev.imagesearch.embedded;

import dev.imagesearch.contract.VectorStoreContract;
import dev.imagesearch.store.VectorStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared vector store contract, run against the embedded store in a fresh directory per test. */
class EmbeddedVectorStoreContractTest extends VectorStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected VectorStore newStore() {
        return EmbeddedVectorStore.open(dataDir);
    }

    @Override
    protected VectorStore reopenStore() {
        return EmbeddedVectorStore.open(dataDir);
    }
}
