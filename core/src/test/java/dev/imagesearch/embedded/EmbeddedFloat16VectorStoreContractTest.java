package dev.imagesearch.embedded;

import dev.imagesearch.contract.VectorStoreContract;
import dev.imagesearch.store.VectorStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared vector store contract, run against the embedded store in FLOAT16 precision. */
class EmbeddedFloat16VectorStoreContractTest extends VectorStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected VectorStore newStore() {
        return EmbeddedVectorStore.builder(dataDir).precision(EmbeddedVectorStore.Precision.FLOAT16).open();
    }

    @Override
    protected VectorStore reopenStore() {
        return newStore();
    }

    /**
     * Halves keep 11 significant bits: each stored element is off by at most 2^-11 of itself, so a cosine score
     * (unit vectors) by at most 2^-11 ≈ 4.9e-4 in all.
     */
    @Override
    protected float scoreTolerance() {
        return 5e-4f;
    }
}
